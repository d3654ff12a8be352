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
 */
public class RunQueueModelCheckTest {

  /** The queue under test: 4 slots. */
  private final LocalQueue<Integer> queue = new LocalQueue<>(4);

  /** The next value the owner pushes (only the owner's operations touch it). */
  private int nextValue;

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

  @Test
  public void modelCheck() {
    LinChecker.check(RunQueueModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 3, /* invocationsPerIteration = */ 150)
        .threads(2)
        .actorsPerThread(3));
  }
}
