// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Waker;
import dev.tinyrt.sync.Oneshot;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One suspend and one resume of an async method through a oneshot: create the channel and the
 * frame, poll (pending: the frame stores its state), send (wakes), poll again (restores, ready).
 * Needs the agent ({@code -jvmArgsAppend -javaagent:agent/target/tinyrt-agent.jar}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SuspendResumeBenchmark {

  /** A context with the no-op waker. */
  private final Context cx = Context.from(Waker.noop());

  static Future<Long> plusOne(Future<Long> price, long kept) {
    long p = await(price);
    return Future.ready(p + kept);
  }

  /** Channel, frame, pending poll, send, ready poll. */
  @Benchmark
  public long suspendAndResume() {
    Oneshot.Channel<Long> ch = Oneshot.channel();
    Future<Long> frame = plusOne(ch.receiver(), 1L);
    if (frame.poll(cx).isReady()) {
      throw new IllegalStateException("expected pending");
    }
    ch.sender().send(41L);
    return frame.poll(cx).get();
  }
}
