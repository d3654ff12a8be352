// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores {@link LocalQueue#stealInto} into a thief's queue that is not empty (a busy
 * worker taking from a stalled one, {@code Worker#stealFromStalled}) while the thief's own queue is
 * stolen from by others and its owner (the thief) pushes and pops. Both rings wrapped, tiny (4
 * slots). At the end every value ever pushed, the victim's and the thief's own, is found exactly
 * once: taken by someone or still queued.
 *
 * <p>From a review of the steal. Plant: the room bound of an empty thief queue (the old {@code
 * dst.slots.length + 1}), which lets a steal write over the thief's oldest entries when its queue
 * is full: caught in 9.6 s ("value 101 found 0 times"); the real code passes in 14 s.
 */
public class StealIntoBusyQueueModelCheckTest {

  /** The stalled worker's queue. */
  private final LocalQueue<Integer> victim = new LocalQueue<>(4);

  /** The thief's own queue. */
  private final LocalQueue<Integer> thief = new LocalQueue<>(4);

  /** The thief's next own value (only the thief's operations touch it). */
  private int nextOwn = 100;

  /** Every value a push put in a queue: the victim's, then the thief's (thief's operations). */
  private final List<Integer> pushed = new ArrayList<>(List.of(1, 2, 3, 4));

  /** Every value taken out, by anyone. */
  private final ConcurrentLinkedQueue<Integer> taken = new ConcurrentLinkedQueue<>();

  /** The victim holds 1 to 4, the thief 101 and 102; both rings have wrapped. */
  public StealIntoBusyQueueModelCheckTest() {
    for (int i = 0; i < 3; i++) {
      victim.push(-1);
      victim.pop();
      thief.push(-1);
      thief.pop();
    }
    for (int i = 1; i <= 4; i++) {
      victim.push(i);
    }
    for (int i = 0; i < 2; i++) {
      pushOwn();
    }
  }

  @Operation(nonParallelGroup = "thief")
  public boolean pushOwn() {
    int v = ++nextOwn;
    boolean in = thief.push(v);
    if (in) {
      pushed.add(v);
    }
    return in;
  }

  @Operation(nonParallelGroup = "thief")
  public Integer popOwn() {
    Integer v = thief.pop();
    if (v != null) {
      taken.add(v);
    }
    return v;
  }

  @Operation(nonParallelGroup = "thief")
  public Integer stealFromVictim() {
    Integer v = victim.stealInto(thief);
    if (v != null) {
      taken.add(v);
    }
    return v;
  }

  /** Another worker searching: steals from the thief into its own, empty, queue. */
  @Operation
  public List<Integer> stealFromThief() {
    LocalQueue<Integer> mine = new LocalQueue<>(4);
    List<Integer> got = new ArrayList<>();
    Integer first = thief.stealInto(mine);
    if (first != null) {
      got.add(first);
      for (Integer v; (v = mine.pop()) != null; ) {
        got.add(v);
      }
    }
    taken.addAll(got);
    return got;
  }

  @Validate
  public void everyValueOnce() {
    Map<Integer, Integer> count = new HashMap<>();
    for (Integer v : taken) {
      count.merge(v, 1, Integer::sum);
    }
    for (Integer v; (v = victim.pop()) != null; ) {
      count.merge(v, 1, Integer::sum);
    }
    for (Integer v; (v = thief.pop()) != null; ) {
      count.merge(v, 1, Integer::sum);
    }
    for (int v : pushed) {
      if (count.getOrDefault(v, 0) != 1) {
        throw new AssertionError("value " + v + " found " + count.getOrDefault(v, 0) + " times: "
            + count);
      }
    }
    for (Map.Entry<Integer, Integer> e : count.entrySet()) {
      if (e.getValue() != 1) {
        throw new AssertionError("value " + e.getKey() + " found " + e.getValue() + " times");
      }
    }
  }

  /** One operation a thread, then two with three threads (pushes that fill the thief's queue). */
  @Test
  public void modelCheck() {
    LinChecker.check(StealIntoBusyQueueModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 5, /* invocationsPerIteration = */ 60)
        .threads(2)
        .actorsPerThread(1));
    LinChecker.check(StealIntoBusyQueueModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 5, /* invocationsPerIteration = */ 60)
        .threads(3)
        .actorsPerThread(2));
  }
}
