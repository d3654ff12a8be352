// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.StageFuture;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream an accept produced inside a {@code joinAll} that then fails, or is cancelled, before
 * its other children finish: nobody will ever see that stream, and {@code Cancellation.discard}
 * closed only a permit's or a lock's grant, so its descriptor stayed open for the life of the
 * process (the socket in CLOSE_WAIT once the peer closed). Now tinyrt's I/O resources are {@code
 * OwnedResource}s, closed when discarded. Each test fails on the old discard (10 descriptors
 * left). Found by a hostile campaign's I/O fuzzer (a task awaiting {@code joinAll(accept,
 * connect)} during a shutdown leaked in 5 of its first 40 seeds).
 */
@Timeout(60)
class DiscardedStreamsAreClosedTest {

  private static final int ROUNDS = 10;

  /** Drives a current-thread runtime for a few turns: a spawned task gets polled. */
  private static Future<Void> fewTurns() {
    return new Future<>() {
      int polls;

      @Override
      public Poll<Void> poll(Context cx) {
        if (polls++ < 3) {
          cx.waker().wake();
          return Poll.pending();
        }
        return Poll.ready(null);
      }
    };
  }

  private static void once(boolean failingSibling) throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      IoDriver io = IoDriver.of(rt);
      try (TcpListener listener = TcpListener.bind(RuntimeSelectTest.ANY, io);
          Socket client = new Socket()) {
        client.connect(listener.localAddress()); // in the backlog: the accept is ready at once
        if (failingSibling) {
          Future<List<Object>> both = Futures.joinAll(listener.accept(),
              cx -> { throw new IllegalStateException("the sibling failed"); });
          assertThrows(IllegalStateException.class, () -> rt.blockOn(both));
        } else {
          JoinHandle<List<Object>> task = rt.spawn(
              Futures.joinAll(listener.accept(), rt.timer().sleep(Duration.ofHours(1))));
          rt.blockOn(fewTurns()); // the task accepts, then waits for its sleep
          task.abort();
          assertThrows(CancelledException.class, () -> rt.blockOn(task));
        }
      }
      rt.blockOn(StageFuture.of(io.keyCount())); // flush cancelled keys
    }
  }

  @Test
  void anAcceptedStreamInAFailedJoinAllIsClosed() throws Exception {
    once(true); // warm-up
    long before = Descriptors.open();
    for (int i = 0; i < ROUNDS; i++) {
      once(true);
    }
    assertEquals(before, Descriptors.open(),
        ROUNDS + " joinAll(accept, failing sibling) left accepted streams open");
  }

  @Test
  void anAcceptedStreamInAnAbortedJoinAllIsClosed() throws Exception {
    once(false); // warm-up
    long before = Descriptors.open();
    for (int i = 0; i < ROUNDS; i++) {
      once(false);
    }
    assertEquals(before, Descriptors.open(),
        ROUNDS + " aborted joinAll(accept, sleep) left accepted streams open");
  }
}
