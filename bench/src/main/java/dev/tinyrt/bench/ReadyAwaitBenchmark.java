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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The floor under every await: awaiting a future that is already ready. An async method awaits
 * {@value #AWAITS} different ready futures in a loop and hands each value to a {@link Blackhole};
 * each invocation counts as that many operations, so the cost of creating and finishing the frame
 * is spread thin and what is left is the await. The same loop written by hand (poll, test, get,
 * consume) is the baseline. The futures are distinct and each value is consumed, so the JIT can
 * neither fold the loop into one read nor drop it (an earlier version, one future and a sum, ran
 * at 0.05 ns per "await": no await was left).
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

  /** Ready futures made once, one per await, so the benchmark measures the await, not the allocation. */
  private final Future<Long>[] ready = readyFutures();

  /** A context with the no-op waker. */
  private final Context cx = Context.from(Waker.noop());

  @SuppressWarnings("unchecked")
  private static Future<Long>[] readyFutures() {
    Future<Long>[] futures = new Future[AWAITS];
    for (int i = 0; i < AWAITS; i++) {
      futures[i] = Future.ready((long) i);
    }
    return futures;
  }

  /** An async method: one await of each ready future, each value consumed. */
  static Future<Integer> awaitEach(Future<Long>[] ready, Blackhole bh) {
    for (int i = 0; i < ready.length; i++) {
      bh.consume(await(ready[i]));
    }
    return Future.ready(ready.length);
  }

  /** The rewritten async method, driven by one poll. */
  @Benchmark
  @OperationsPerInvocation(AWAITS)
  public int asyncMethod(Blackhole bh) {
    return awaitEach(ready, bh).poll(cx).get();
  }

  /** The same loop, polling by hand: what the rewritten await should cost. */
  @Benchmark
  @OperationsPerInvocation(AWAITS)
  public int byHand(Blackhole bh) {
    for (int i = 0; i < ready.length; i++) {
      Poll<Long> poll = ready[i].poll(cx);
      if (poll.isPending()) {
        throw new IllegalStateException("a ready future returned pending");
      }
      bh.consume(poll.get());
    }
    return ready.length;
  }
}
