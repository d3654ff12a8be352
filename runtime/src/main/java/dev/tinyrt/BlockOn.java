// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import dev.tinyrt.internal.NullPoll;
import dev.tinyrt.internal.RuntimeThreads;
import dev.tinyrt.internal.ThreadWaker;
import java.util.concurrent.locks.LockSupport;

/** {@link Async#blockOn}: poll on this thread, park while pending. */
final class BlockOn {

  private BlockOn() {}

  static <T> T run(Future<T> future) {
    RuntimeThreads.refuseBlocking(
        "Async.blockOn", Async.class, BlockOn.class, dev.tinyrt.rt.AsyncRuntime.class);
    ThreadWaker waker = new ThreadWaker(Thread.currentThread(), false);
    Context cx = Context.from(waker);
    boolean interrupted = false;
    try {
      while (true) {
        Poll<T> poll = NullPoll.checked(future.poll(cx), future);
        if (poll.isReady()) {
          return poll.get();
        }
        // Park until woken. A wake that came before this point left the flag set, so we do not
        // park at all; a spurious unpark finds the flag clear and parks again.
        while (!waker.takeNotification()) {
          LockSupport.park(waker);
          // An interrupt would make every later park return at once (a spin): clear it and
          // restore it when done.
          if (Thread.interrupted()) {
            interrupted = true;
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
