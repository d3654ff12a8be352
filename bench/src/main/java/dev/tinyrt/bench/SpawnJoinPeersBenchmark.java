// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peers of {@link SpawnJoinBenchmark}: a virtual thread started and joined from a platform
 * thread (outside), and Kotlin's {@code async { 1 }.await()} inside {@code runBlocking}
 * ({@value SpawnJoinBenchmark#INSIDE} per invocation, inside).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SpawnJoinPeersBenchmark {

  /** Start a virtual thread running nothing and join it. */
  @Benchmark
  public Thread virtualThreadOutside() throws InterruptedException {
    Thread t = Measure.startVirtual(() -> { });
    t.join();
    return t;
  }

  /** Kotlin: launch an {@code async} child and await it, inside one coroutine. */
  @Benchmark
  @OperationsPerInvocation(SpawnJoinBenchmark.INSIDE)
  public int kotlinInside() {
    return KotlinContender.spawnJoinInside(SpawnJoinBenchmark.INSIDE);
  }
}
