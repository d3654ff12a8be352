// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores wakes from other threads racing the end of a current-thread runtime's
 * shutdown: {@link CurrentThreadScheduler}'s stop protocol (its class comment), alone. Two live,
 * idle tasks, each woken once from a thread of its own (as a timer or a send from another thread
 * wakes them: onto the incoming queue), while a third thread ends the shutdown as {@code
 * AsyncRuntime.shutdownClaimed} does once nothing it waits for is live: it holds the claim, runs
 * what is queued until nothing is (the drive loop's last looks), stops the scheduler, and releases
 * the claim.
 *
 * <p>At the end, with nobody driving the runtime: every woken task is finished (it ran, or it was
 * completed as cancelled), and nothing is left queued where nobody will ever drain it.
 *
 * <p>Against the code before the stop protocol (commit 8af0c59: a wake refused when it read
 * {@code stopped} set, pushed when it read it clear) it fails in 23.5 s: "task 0 was woken but is
 * still live", a wake that read {@code stopped} clear and pushed after the shutdown's last drain, or one
 * refused while the shutdown still held the claim (so it could only request cancellation). A
 * first version of this check spawned the tasks and ran the whole {@code shutdown(Duration.ZERO)};
 * it reached the same two failures, but only after 25 to 42 s, and passed most plants below: the
 * shutdown's other steps drown the few that matter.
 *
 * <p>Plants in the stop protocol, one at a time in this worktree ({@code mvn -B -q -o -pl runtime
 * test -Dtest=WakeRacingStopModelCheckTest}, the test's own seconds, load 4 to 9 on 2 cores; the
 * real code passes in 16 s):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant in CurrentThreadScheduler</th><th>caught</th></tr>
 *   <tr><td>schedule reads {@code stopped} before its push (the waker's half of the first Dekker
 *       pair turned round, as the code before it)</td><td>yes, "still live" (6.5 s)</td></tr>
 *   <tr><td>release does not give up what is queued on a stopped runtime (the stopper's half of
 *       the first pair left out)</td><td>yes, "still live" (9.7 s)</td></tr>
 *   <tr><td>release reads {@code strandedWakes} before it writes {@code driver = null} (the
 *       holder's half of the second pair turned round)</td><td>yes, "still live" (16.5 s)</td></tr>
 *   <tr><td>giveUpQueued clears {@code strandedWakes} after its drain, not before</td>
 *       <td>yes, "still live" (20.5 s)</td></tr>
 *   <tr><td>a wake sets {@code strandedWakes} after its CAS fails, not before it (the waker's
 *       half of the second pair turned round)</td><td>no (passes in 16 s): it needs the push
 *       after the holder's drain, the failed CAS before its release and the flag after its read,
 *       which no scenario of three one-operation threads reached</td></tr>
 * </table>
 */
public class WakeRacingStopModelCheckTest {

  /** A fresh runtime for each scenario; nobody drives it but the shutdown. */
  private final AsyncRuntime runtime = AsyncRuntime.currentThread();

  /**
   * Its scheduler, with the give-up of stranded tasks run inline on the waking thread instead of
   * handed to the give-up thread: this check explores the claim protocol, {@code
   * GiveUpHandOffModelCheckTest} the hand-off.
   */
  private final CurrentThreadScheduler scheduler = inlineGiveUps(runtime.localScheduler());

  private static CurrentThreadScheduler inlineGiveUps(CurrentThreadScheduler s) {
    s.giveUpExecutor(Runnable::run);
    return s;
  }

  /** The two tasks: live, never polled, not queued; a poll completes them. */
  private final Task<?>[] tasks = {task(), task()};

  /** Whether each task's wake was called. */
  private final boolean[] woken = new boolean[2];

  private Task<String> task() {
    return TestFutures.liveUnwokenTask(runtime);
  }

  @Operation(nonParallelGroup = "waker0")
  public void wake0() {
    woken[0] = true;
    tasks[0].wake();
  }

  @Operation(nonParallelGroup = "waker1")
  public void wake1() {
    woken[1] = true;
    tasks[1].wake();
  }

  /**
   * The end of the shutdown: its claim, its drive loop's last looks (it returns once nothing is
   * queued, as its wait for the live count does here), the stop, the release.
   */
  @Operation(nonParallelGroup = "shutdown")
  public void endShutdown() {
    scheduler.claim("close()", "the model check");
    try {
      scheduler.driveClaimed(scheduler::isEmpty, Long.MAX_VALUE);
      scheduler.stop();
    } finally {
      scheduler.release();
    }
  }

  @Validate
  public void everyWokenTaskRanOrWasCancelledAndNoneStaysQueued() {
    for (int i = 0; i < 2; i++) {
      if (woken[i] && !tasks[i].isFinished()) {
        throw new AssertionError("task " + i + " was woken but is still live after the shutdown "
            + "ended, with nobody to drive it: its awaiters never wake");
      }
    }
    if (!scheduler.isEmpty()) {
      throw new AssertionError("a task is still queued on the stopped runtime: nobody will ever "
          + "drain it (it stays reachable from the queue)");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(WakeRacingStopModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 50)
        .threads(3)
        .actorsBefore(0)
        .actorsAfter(0)
        .actorsPerThread(1));
  }
}
