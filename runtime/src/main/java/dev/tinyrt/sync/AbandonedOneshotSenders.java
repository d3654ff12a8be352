// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.internal.RuntimeThreads;
import java.lang.ref.ReferenceQueue;

/**
 * The queue every oneshot channel's watch ({@link OneshotCell}, a phantom reference to the sender)
 * is registered with, and the one daemon thread that closes, as abandoned, each channel whose
 * sender the garbage collector found unreachable without having sent or closed. One queue and one
 * thread per JVM, started with the first channel.
 *
 * <p>A holder class of its own: no static field of the channel's classes leads to the thread (a
 * model checker that walks a class's static fields, Lincheck on Java 25, cannot follow a thread
 * into the class loaders).
 */
final class AbandonedOneshotSenders {

  /** The queue the garbage collector puts the watches of unreachable senders on. */
  private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();

  /**
   * Watches the thread took off the queue, whether or not they closed their channel. Written by
   * that thread only; tests read it to tell that finished channels are never queued.
   */
  private static volatile long taken;

  /**
   * Watches among {@link #taken} whose channel had already finished (sent, closed or dropped):
   * wasted work, which stopping the watch on every send, close and drop is meant to avoid.
   */
  private static volatile long foundFinished;

  static {
    RuntimeThreads.service("tinyrt-abandoned-oneshot-senders", "the oneshots' abandoned senders",
        AbandonedOneshotSenders::serve).start();
  }

  private AbandonedOneshotSenders() {}

  /** @return the queue to register a channel's watch with; starts the thread on first use */
  static ReferenceQueue<Object> queue() {
    return QUEUE;
  }

  /** @return how many watches the thread has taken off the queue so far (tests) */
  static long taken() {
    return taken;
  }

  /** @return how many of those found their channel already finished (tests) */
  static long foundFinished() {
    return foundFinished;
  }

  /** The thread's loop: closes each channel whose sender the collector found gone. */
  private static void serve() {
    while (true) {
      try {
        OneshotCell<?> cell = (OneshotCell<?>) QUEUE.remove();
        // Ordering: this thread is the counters' only writer; volatile so a test reads them fresh.
        taken = taken + 1;
        if (!cell.closeAbandoned()) {
          foundFinished = foundFinished + 1;
        }
      } catch (InterruptedException e) {
        // A daemon thread nobody interrupts on purpose: keep serving.
      } catch (RuntimeException | Error e) {
        // A waker threw (wakes must not): the next channel must still be closed.
        System.getLogger("dev.tinyrt").log(System.Logger.Level.ERROR, "a waker threw while tinyrt"
            + " closed a oneshot channel whose Sender was garbage-collected without sending;"
            + " the receiver was still closed, but a wake must never throw: fix the waker that"
            + " threw (its exception follows)", e);
      }
    }
  }
}
