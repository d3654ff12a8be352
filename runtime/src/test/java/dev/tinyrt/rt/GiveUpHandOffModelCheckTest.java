// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores wakes that find a current-thread runtime stopped racing the give-up thread
 * they hand the give-up to ({@link CurrentThreadScheduler}'s hand-off, its class comment). The
 * runtime is stopped before the scenario, with two live, idle tasks; each is woken once from a
 * thread of its own, and a third thread is the give-up thread: it runs the jobs handed off so
 * far. At the end the give-up thread runs what is still handed off (it would, later), and then
 * every woken task is finished (completed as cancelled) and nothing is left queued.
 *
 * <p>Plants in the hand-off, one at a time ({@code mvn -B -q -o -pl runtime test
 * -Dtest=GiveUpHandOffModelCheckTest}, the test's own seconds, on 2 shared cores; the real code
 * passes in about 15 s):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant in CurrentThreadScheduler</th><th>caught</th></tr>
 *   <tr><td>the job never clears {@code giveUpHandedOff} (every stranding after the first is
 *       left to a job that will never come)</td><td>yes, "task 1 ... still live" (14.5 s)</td></tr>
 *   <tr><td>the job clears {@code giveUpHandedOff} after its drain, not before (a wake whose CAS
 *       fails between the drain's last read of {@code strandedWakes} and the clear is lost)</td>
 *       <td>no (passes, also with 2 iterations of 1000 invocations): the window is a few
 *       accesses wide after a drain of many, and the random interleavings did not reach it
 *       </td></tr>
 * </table>
 */
public class GiveUpHandOffModelCheckTest {

  /** A fresh runtime for each scenario, stopped; nobody drives it. */
  private final AsyncRuntime runtime = AsyncRuntime.currentThread();

  /** The jobs handed off and not run yet, in order. */
  private final ConcurrentLinkedQueue<Runnable> handedOff = new ConcurrentLinkedQueue<>();

  private final CurrentThreadScheduler scheduler = stopped(runtime.localScheduler());

  /** The two tasks: live, never polled, not queued. */
  private final Task<?>[] tasks = {task(), task()};

  /** Whether each task's wake was called. */
  private final boolean[] woken = new boolean[2];

  private CurrentThreadScheduler stopped(CurrentThreadScheduler s) {
    s.giveUpExecutor(handedOff::add);
    s.stop();
    return s;
  }

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

  /** The give-up thread: runs the jobs handed off so far. */
  @Operation(nonParallelGroup = "giveUpThread")
  public void giveUpThread() {
    runHandedOff();
  }

  private void runHandedOff() {
    Runnable job;
    while ((job = handedOff.poll()) != null) {
      job.run();
    }
  }

  @Validate
  public void everyWokenTaskIsGivenUpAndNoneStaysQueued() {
    runHandedOff(); // the give-up thread runs what is handed off, later
    for (int i = 0; i < 2; i++) {
      if (woken[i] && !tasks[i].isFinished()) {
        throw new AssertionError("task " + i + " was woken after the stop but is still live "
            + "once the give-up thread ran every job handed off: its awaiters never wake");
      }
    }
    if (!scheduler.isEmpty()) {
      throw new AssertionError("a task is still queued on the stopped runtime");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(GiveUpHandOffModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 50)
        .threads(3)
        .actorsBefore(0)
        .actorsAfter(0)
        .actorsPerThread(1));
  }
}
