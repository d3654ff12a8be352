// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores a worker's {@link LocalQueue} (tiny, so it fills and wraps around): the owner
 * pushes and pops, other threads steal half of it. Every interleaving must equal some sequential
 * order of the same operations: no task is lost, none runs twice, a steal takes the oldest half.
 *
 * <p>Each scenario starts from a full queue whose ring has already wrapped (head 2, tail 6: the
 * oldest entry sits in slot 2, the newest in slot 1), so the owner's first push after a steal
 * claimed slots writes one of the slots the steal took. A steal that claims its slots before it
 * has read them (the CAS on the head moved before the copy: the owner's push then overwrites the
 * oldest entry under the stealer) returns a task pushed after it and loses the one it claimed,
 * which no sequential order gives. Two operations a thread: with three, five runs of 3 x 150
 * and of 3 x 50 interleavings never caught that plant (too many places to switch for the one
 * that matters: just after the stealer's CAS, before the owner's first push), while two a thread
 * at 5 x 50 caught it five times in five. But two a thread passed a pop that moves the head by a
 * read, then a write (in each of three runs), which one a thread (and three) caught every time; so
 * the check runs one operation a thread, then two.
 *
 * <p>Plants, each in a detached worktree ({@code mvn -B -q -o -pl runtime test
 * -Dtest=RunQueueModelCheckTest}, the test's own seconds, load 8 to 14 on 2 cores):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant in LocalQueue</th><th>before (empty queue, 3 actors a thread, 3 x 150)</th>
 *       <th>now (full wrapped queue, 1 then 2 actors a thread, 5 x 50 each)</th></tr>
 *   <tr><td>stealInto CASes the head before reading the slots</td><td>not caught</td>
 *       <td>caught (22 s)</td></tr>
 *   <tr><td>pop moves the head by a volatile read, then a write (no CAS)</td><td>not run</td>
 *       <td>caught (17 s)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes (20 s)</td>
 *       <td>passes (12 s; 6 s on Java 25)</td></tr>
 * </table>
 */
public class RunQueueModelCheckTest {

  /** The queue under test: 4 slots, full and wrapped (see the class comment). */
  private final LocalQueue<Integer> queue = new LocalQueue<>(4);

  /** The next value the owner pushes (only the owner's operations touch it). */
  private int nextValue;

  /** Fills the queue past the wrap: entries 3 to 6 in slots 2, 3, 0, 1. */
  public RunQueueModelCheckTest() {
    for (int i = 0; i < 2; i++) {
      queue.push(++nextValue);
      queue.pop();
    }
    for (int i = 0; i < queue.capacity(); i++) {
      queue.push(++nextValue);
    }
  }

  @Operation(nonParallelGroup = "owner")
  public boolean push() {
    return queue.push(++nextValue);
  }

  @Operation(nonParallelGroup = "owner")
  public Integer pop() {
    return queue.pop();
  }

  /** Steals into the stealer's own (empty) queue; returns the task to run, then the rest. */
  @Operation
  public List<Integer> steal() {
    LocalQueue<Integer> mine = new LocalQueue<>(2);
    List<Integer> got = new ArrayList<>();
    Integer first = queue.stealInto(mine);
    if (first != null) {
      got.add(first);
      for (Integer v; (v = mine.pop()) != null; ) {
        got.add(v);
      }
    }
    return got;
  }

  /**
   * Two shapes: one operation a thread (a pop or push against a steal, explored deeply), then two
   * (a steal of the full queue while the owner refills it). Each caught a plant the other passed.
   */
  @Test
  public void modelCheck() {
    LinChecker.check(RunQueueModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 5, /* invocationsPerIteration = */ 50)
        .threads(2)
        .actorsPerThread(1));
    LinChecker.check(RunQueueModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 5, /* invocationsPerIteration = */ 50)
        .threads(2)
        .actorsPerThread(2));
  }
}
