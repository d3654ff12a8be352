// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BlockOnTest {

  /**
   * A future that is pending until {@link #complete} is called from any thread, counting its polls.
   * Keeps the last waker it saw, as a future must.
   */
  static final class Gate implements Future<String> {
    final AtomicInteger polls = new AtomicInteger();
    final AtomicReference<Waker> waker = new AtomicReference<>();
    volatile String value;

    @Override
    public Poll<String> poll(Context cx) {
      polls.incrementAndGet();
      waker.set(cx.waker());
      String v = value;
      return v == null ? Poll.pending() : Poll.ready(v);
    }

    void complete(String v) {
      value = v;
      waker.get().wake();
    }
  }

  /** Waits, without sleeping, until {@code thread} is parked inside blockOn. */
  static void awaitParked(Thread thread) {
    while (!(thread.getState() == Thread.State.WAITING
        && LockSupport.getBlocker(thread) instanceof dev.tinyrt.internal.ThreadWaker)) {
      Thread.onSpinWait();
    }
  }

  @Test
  void aWakeBeforeTheParkIsNotLost() {
    AtomicInteger polls = new AtomicInteger();
    // Wakes its own waker during the first poll, then is ready: blockOn must poll again at once.
    Future<String> f =
        cx -> {
          if (polls.incrementAndGet() == 1) {
            cx.waker().wake();
            return Poll.pending();
          }
          return Poll.ready("second poll");
        };
    assertEquals("second poll", Async.blockOn(f));
    assertEquals(2, polls.get());
  }

  @Test
  void aWakeFromAnotherThreadResumesTheParkedThreadWithOneMorePoll() throws Exception {
    Gate gate = new Gate();
    Thread main = Thread.currentThread();
    Thread helper = new Thread(() -> {
      awaitParked(main);
      gate.complete("woken");
    });
    helper.start();
    assertEquals("woken", Async.blockOn(gate));
    helper.join();
    assertEquals(2, gate.polls.get());
  }

  @Test
  void aSpuriousUnparkDoesNotCauseAPollOrAReturn() throws Exception {
    Gate gate = new Gate();
    Thread main = Thread.currentThread();
    AtomicInteger pollsAfterSpuriousUnpark = new AtomicInteger(-1);
    Thread helper = new Thread(() -> {
      awaitParked(main);
      LockSupport.unpark(main); // not a wake
      awaitParked(main); // parks again without polling
      pollsAfterSpuriousUnpark.set(gate.polls.get());
      gate.complete("real wake");
    });
    helper.start();
    assertEquals("real wake", Async.blockOn(gate));
    helper.join();
    assertEquals(1, pollsAfterSpuriousUnpark.get());
    assertEquals(2, gate.polls.get());
  }

  @Test
  void anInterruptDoesNotStopItAndIsKept() throws Exception {
    Gate gate = new Gate();
    Thread main = Thread.currentThread();
    Thread helper = new Thread(() -> {
      awaitParked(main);
      gate.complete("done");
    });
    helper.start();
    main.interrupt();
    try {
      assertEquals("done", Async.blockOn(gate));
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
      helper.join();
    }
    assertEquals(2, gate.polls.get());
  }

  /** Throws a checked exception without declaring it, as a failed async method's frame does. */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  @Test
  void aFailedFutureRethrowsTheOriginalCheckedException() {
    IOException original = new IOException("disk on fire");
    Future<String> failing = cx -> {
      throw sneaky(original);
    };
    Throwable thrown = assertThrows(Throwable.class, () -> Async.blockOn(failing));
    assertSame(original, thrown);
  }

  @Test
  void aFailedFutureRethrowsTheOriginalUncheckedException() {
    IllegalArgumentException original = new IllegalArgumentException("bad price");
    Future<String> failing = cx -> {
      throw original;
    };
    assertSame(original, assertThrows(IllegalArgumentException.class, () -> Async.blockOn(failing)));
  }
}
