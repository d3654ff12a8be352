// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Future;
import java.util.List;

/**
 * Why a runtime gave a task up (completed it as cancelled without letting it finish, {@code
 * Task.giveUp}), and the message its cancellation carries: the runtime, the reason, where the
 * task waited (its await points, innermost first, as {@link TaskDump} prints them) and what to do
 * instead.
 */
enum GiveUpReason {

  /** The runtime's shutdown cancelled the task and gave up waiting for it to unwind. */
  SHUTDOWN_GAVE_UP("its shutdown cancelled it and gave up waiting for it to unwind (it stayed in "
      + "a section that ignores cancellation)"),

  /** The task was woken after its current-thread runtime stopped: nothing would ever run it. */
  WOKEN_AFTER_STOP("it was woken after the runtime stopped (its shutdown had ended), so nothing "
      + "would ever run it again"),

  /** A wake of the task could not be queued (no memory for the queue, the workers stopped). */
  WAKE_REFUSED("a wake of it could not be queued (out of memory, or the runtime's workers "
      + "stopped), so nothing would ever run it again");

  /** The reason, as the message says it. */
  private final String why;

  GiveUpReason(String why) {
    this.why = why;
  }

  /**
   * Builds the cancellation of a given-up task. Call it before the task's future is abandoned:
   * its frames say where it waited only while they are parked.
   *
   * @param task the task, as its handle prints
   * @param runtime the runtime's name
   * @param future the task's future, or null if it was never polled
   * @return the exception to complete the task with
   */
  CancelledException cancellation(String task, String runtime, Future<?> future) {
    StringBuilder m = new StringBuilder("task ").append(task).append(" of runtime ")
        .append(runtime).append(" was given up, cancelled without finishing: ").append(why)
        .append(". ");
    List<AwaitPoint> points = future == null ? List.of() : FrameTable.chain(future).points();
    if (future == null) {
      m.append("It was never polled.");
    } else if (points.isEmpty()) {
      m.append("It waited in ").append(future).append('.');
    } else {
      m.append("It waited at:");
      for (AwaitPoint p : points) {
        m.append("\n  at ").append(p);
      }
    }
    m.append("\nTo let it finish: keep the runtime open until its tasks end (await or join their "
        + "handles before close()), and do not wake tasks of a closed runtime (stop the timers, "
        + "senders and I/O that feed them first).");
    return new CancelledException(m.toString());
  }
}
