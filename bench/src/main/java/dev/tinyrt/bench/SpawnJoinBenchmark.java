// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.Tasks;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Spawn an empty task and join it, on each kind of runtime ({@link Runtimes}: the current-thread
 * one and a multi-threaded one per {@code WorkerPool}; {@code scripts/bench} passes every kind as
 * the {@code runtime} parameter): from outside (a thread that blocks on the handle; on a
 * multi-threaded runtime a round trip to a worker and back), and from inside a task (an async
 * method spawning and awaiting {@value #INSIDE} tasks in a loop). Needs the agent for the inside
 * case.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SpawnJoinBenchmark {

  /**
   * Spawns per invocation of the inside case. Each invocation is also one spawn and block from
   * outside (about 26 us on a multi-threaded runtime here, a round trip to a worker and back), so
   * it is spread over enough inner spawns to count for under a nanosecond each (at 1,000 it added
   * about 26 ns, a fifth of the work-stealing figure).
   */
  static final int INSIDE = 100_000;

  /** Which runtime: {@code current-thread} or a {@code WorkerPool} constant. */
  @Param({Runtimes.CURRENT_THREAD, "FORK_JOIN"})
  public String runtime;

  private AsyncRuntime rt;

  private final Future<Integer> empty = Future.ready(1);

  @Setup(Level.Trial)
  public void start() {
    rt = Runtimes.create(runtime);
  }

  @TearDown(Level.Trial)
  public void stop() {
    rt.close();
  }

  /** An async method: spawns {@code k} empty tasks one after another, awaiting each. */
  static Future<Integer> spawnAndJoin(int k) {
    int sum = 0;
    for (int i = 0; i < k; i++) {
      sum += await(Tasks.spawn(Future.ready(1)));
    }
    return Future.ready(sum);
  }

  /** One spawn, one join, from outside the runtime. */
  @Benchmark
  public int outside() {
    return rt.blockOn(rt.spawn(empty));
  }

  /** Spawn and join from inside a task. */
  @Benchmark
  @OperationsPerInvocation(INSIDE)
  public int inside() {
    return rt.blockOn(rt.spawn(spawnAndJoin(INSIDE)));
  }
}
