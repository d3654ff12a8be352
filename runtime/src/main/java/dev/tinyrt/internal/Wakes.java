// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.Waker;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes a waiter for a channel, a lock or a socket, whose notifier is someone else's code: a
 * {@code send}, a {@code release}, a guard's {@code close()}, the I/O driver. A {@link Waker} must
 * not throw, but a user's may (an executor shut down behind it): thrown on, its failure came out of
 * the notifier's call (a {@code trySend} that had delivered its value threw, so a retry sent it
 * twice) and stranded every waiter collected after it, granted a permit or a message and never
 * woken. Here a waker's {@code RuntimeException} is logged and the caller goes on, as the timer and
 * {@code CompletionStage} waits already did.
 */
public final class Wakes {

  /** Whether a throwing waker was reported at WARNING level already (later ones go at DEBUG). */
  private static final AtomicBoolean REPORTED = new AtomicBoolean();

  private Wakes() {}

  /**
   * Wakes {@code waker}; a {@code RuntimeException} it throws is logged, not thrown. An {@code
   * Error} is thrown on.
   *
   * @param waker the waker, or null (nothing is done)
   */
  public static void wake(Waker waker) {
    if (waker == null) {
      return;
    }
    try {
      waker.wake();
    } catch (RuntimeException broken) {
      report(waker, broken);
    }
  }

  /**
   * Wakes {@code first} (if not null), then {@code rest[0..count)}, in order. A {@code
   * RuntimeException} one throws is logged; an {@code Error} is thrown once every other waker was
   * woken.
   *
   * @param first the first waker, or null
   * @param rest the other wakers, or null when {@code count} is 0
   * @param count how many of {@code rest} to wake
   */
  public static void wakeAll(Waker first, Waker[] rest, int count) {
    Error error = null;
    for (int i = -1; i < count; i++) {
      Waker w = i < 0 ? first : rest[i];
      if (w == null) {
        continue;
      }
      try {
        w.wake();
      } catch (RuntimeException broken) {
        report(w, broken);
      } catch (Error e) {
        if (error == null) {
          error = e;
        } else if (error != e) {
          error.addSuppressed(e);
        }
      }
    }
    if (error != null) {
      throw error;
    }
  }

  /** Logs a waker that threw: the first one as a warning, with what to fix; later ones at debug. */
  private static void report(Waker waker, RuntimeException broken) {
    boolean first = REPORTED.compareAndSet(false, true);
    try {
      System.getLogger("dev.tinyrt").log(first ? Level.WARNING : Level.DEBUG,
          "a Waker (" + waker.getClass().getName() + ") threw when a channel, lock or socket woke "
              + "it; the other waiters were woken and the caller goes on. Waker.wake() must not "
              + "throw (not after its task finished, nor after its executor shut down): catch "
              + "inside it what it calls"
              + (first ? " (later throwing wakes are logged at DEBUG level)" : ""),
          broken);
    } catch (Throwable ignored) {
      // A failing logger must not stop the wakes either.
    }
  }
}
