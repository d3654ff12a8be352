// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.WorkerPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Spawn an empty task and join it, on each kind of runtime: the current-thread one, and the
 * multi-threaded one over a ForkJoinPool or over a shared queue (the comparison that chose the
 * ForkJoinPool). On a multi-threaded runtime this is a round trip to a worker and back.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SpawnJoinBenchmark {

  /** Which runtime. */
  @Param({"CURRENT_THREAD", "FORK_JOIN", "SHARED_QUEUE"})
  public String runtime;

  private AsyncRuntime rt;

  private final Future<Integer> empty = Future.ready(1);

  @Setup(Level.Trial)
  public void start() {
    rt = switch (runtime) {
      case "CURRENT_THREAD" -> AsyncRuntime.currentThread();
      case "FORK_JOIN" -> AsyncRuntime.builder().workerPool(WorkerPool.FORK_JOIN).build();
      default -> AsyncRuntime.builder().workerPool(WorkerPool.SHARED_QUEUE).build();
    };
  }

  @TearDown(Level.Trial)
  public void stop() {
    rt.close();
  }

  /** One spawn, one join. */
  @Benchmark
  public int spawnJoin() {
    return rt.blockOn(rt.spawn(empty));
  }
}
