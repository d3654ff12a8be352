// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores {@link IncomingQueue}, the current-thread scheduler's outside wakes, and its
 * park handshake: two threads push tasks (chunks of two slots, so pushes link chunks) while the
 * driver drains, announces a park and "parks". A parked driver takes no step until a push told
 * its caller to unpark it (the model of {@code LockSupport}'s permit, which an unpark before the
 * park also sets). At the end: no task is left queued while the driver sleeps with no permit (a
 * lost wake-up), and every task was taken exactly once, each producer's in its push order.
 *
 * <p>Plants against main's {@code IncomingQueue} (e338a57), each in a detached worktree ({@code
 * mvn -B -q -o -pl runtime test -Dtest=IncomingQueueModelCheckTest}, the test's own seconds, load
 * 8 to 10 on 2 cores); both caught as the test stood, so it is unchanged:
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant in IncomingQueue</th><th>caught</th></tr>
 *   <tr><td>push reads {@code parked} before it writes its slot (the producer's half of the
 *       Dekker pair turned round)</td><td>yes, "lost wake-up" (35 s)</td></tr>
 *   <tr><td>push links the next chunk with a plain write after reading {@code next} as null (the
 *       CAS replaced by a read, then a write: two producers each link one)</td>
 *       <td>yes, a task not taken (58 s)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes (27 s)</td></tr>
 * </table>
 */
public class IncomingQueueModelCheckTest {

  /** A runtime with no thread of its own, only to own the tasks; one for all runs, it is never used. */
  private static final AsyncRuntime OWNER = AsyncRuntime.currentThread();

  /** Two slots a chunk: a few pushes cross chunk edges. */
  private final IncomingQueue queue = new IncomingQueue(2);

  /** What each producer pushed, in order; each list touched by its producer only. */
  private final List<List<Task<?>>> pushed = List.of(new ArrayList<>(), new ArrayList<>());

  /** What the driver took, in order. Driver only. */
  private final ArrayDeque<Task<?>> taken = new ArrayDeque<>();

  /**
   * Appends what the driver takes to {@link #taken}. A class, not a method reference: with
   * {@code taken::addLast} Lincheck 2.39 failed to transform a JDK class and reported a failure.
   */
  private final IncomingQueue.Sink toTaken = new IncomingQueue.Sink() {
    @Override
    public void accept(Task<?> task) {
      taken.addLast(task);
    }
  };

  /** The driver's park permit: set by a push that was told to unpark it. */
  private volatile boolean permit;

  /** Whether the driver is parked: it announced the park and found the queue empty. */
  private boolean parked;

  @Operation(nonParallelGroup = "producer0")
  public void push0() {
    push(0);
  }

  @Operation(nonParallelGroup = "producer1")
  public void push1() {
    push(1);
  }

  private void push(int producer) {
    Task<?> task = new Task<>(cx -> Poll.pending(), OWNER);
    pushed.get(producer).add(task);
    if (queue.push(task)) {
      permit = true; // LockSupport.unpark(driver)
    }
  }

  /** One pass of the driver's loop: (wake up,) take the outside wakes, park if none came. */
  @Operation(nonParallelGroup = "driver")
  public void stepDriver() {
    if (parked) {
      if (!permit) {
        return; // parked: only an unpark lets it go on
      }
      permit = false;
      parked = false;
      queue.parkEnded();
    }
    queue.drainTo(toTaken);
    if (queue.prepareToPark()) {
      parked = true;
    }
  }

  @Validate
  public void noWakeIsLostAndEachTaskIsTakenOnceInOrder() {
    int all = pushed.get(0).size() + pushed.get(1).size();
    if (parked && !permit && taken.size() < all) {
      throw new AssertionError("lost wake-up: " + (all - taken.size())
          + " task(s) queued while the driver is parked with no permit");
    }
    queue.drainTo(toTaken);
    Map<Task<?>, Boolean> seen = new IdentityHashMap<>();
    List<List<Task<?>>> byProducer = List.of(new ArrayList<>(), new ArrayList<>());
    for (Task<?> t : taken) {
      if (seen.put(t, Boolean.TRUE) != null) {
        throw new AssertionError("a task was taken twice");
      }
      byProducer.get(pushed.get(0).contains(t) ? 0 : 1).add(t);
    }
    for (int p = 0; p < 2; p++) {
      if (!byProducer.get(p).equals(pushed.get(p))) {
        throw new AssertionError("producer " + p + " pushed " + pushed.get(p).size()
            + " tasks; the driver took " + byProducer.get(p).size() + " of them, or out of order");
      }
    }
    if (!Collections.disjoint(pushed.get(0), pushed.get(1)) || taken.size() != all) {
      throw new AssertionError("took " + taken.size() + " tasks of " + all);
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(IncomingQueueModelCheckTest.class, DeepCheck.modelChecking(6, 150)
        .threads(3)
        .actorsBefore(0)
        .actorsAfter(0)
        .actorsPerThread(2));
  }
}
