// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
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
 * The floor under every await: awaiting a future that is already ready. An async method awaits a
 * ready future {@value #AWAITS} times in a loop; each invocation counts as that many operations,
 * so the cost of creating and finishing the frame is spread thin and what is left is the await.
 * The same loop written by hand (poll, test, get) is the baseline.
 *
 * <p>Needs the agent: {@code java -jar bench/target/tinyrt-benchmarks.jar ReadyAwait -prof gc
 * -jvmArgsAppend -javaagent:agent/target/tinyrt-agent.jar}. Without it the async method throws.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ReadyAwaitBenchmark {

  /** Awaits per invocation. */
  static final int AWAITS = 1000;

  /** A ready future made once, so the benchmark measures the await, not the allocation. */
  private final Future<Long> ready = Future.ready(1L);

  /** A context with the no-op waker. */
  private final Context cx = Context.from(Waker.noop());

  /** An async method: {@value #AWAITS} awaits of a ready future. */
  static Future<Long> awaitReady(Future<Long> ready) {
    long sum = 0;
    for (int i = 0; i < AWAITS; i++) {
      sum += await(ready);
    }
    return Future.ready(sum);
  }

  /** The rewritten async method, driven by one poll. */
  @Benchmark
  @OperationsPerInvocation(AWAITS)
  public long asyncMethod() {
    return awaitReady(ready).poll(cx).get();
  }

  /** The same loop, polling by hand: what the rewritten await should cost. */
  @Benchmark
  @OperationsPerInvocation(AWAITS)
  public long byHand() {
    long sum = 0;
    for (int i = 0; i < AWAITS; i++) {
      Poll<Long> poll = ready.poll(cx);
      if (poll.isPending()) {
        throw new IllegalStateException("a ready future returned pending");
      }
      sum += poll.get();
    }
    return sum;
  }
}
