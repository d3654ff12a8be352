// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * The one worklist solver of the forward analyses ({@link MonitorDepth}, the diagnostics' lock
 * depth): a value per instruction, from a value at the entry, carried along the edges of the
 * method's {@link ControlFlow} graph by a transfer function and merged where paths join, until
 * nothing changes. The values must form a lattice of finite height under the merge, or the solver
 * does not end.
 */
public final class ForwardDataflow {

  private ForwardDataflow() {}

  /**
   * A forward problem over a method's instructions, by index.
   *
   * @param <V> the lattice value; values are compared with {@code equals}
   */
  public interface Problem<V> {

    /** @return the value before the method's first instruction */
    V entry();

    /**
     * Returns the value an instruction passes to one of its normal successors (fall-through, jump,
     * switch case): the same for each, unless the instruction tells its branches apart.
     *
     * @param insn the instruction's index
     * @param before the value before it
     * @param successor the successor's index
     * @return the value the edge carries
     */
    V transfer(int insn, V before, int successor);

    /**
     * Returns the value an exception raised by an instruction carries to a handler: by default
     * the value before it (the instruction did not complete).
     *
     * @param insn the instruction's index
     * @param before the value before it
     * @return the value the exception edge carries
     */
    default V exceptional(int insn, V before) {
      return before;
    }

    /**
     * Merges the values of two paths that join.
     *
     * @param a the value already there
     * @param b the value arriving
     * @return their merge
     */
    V merge(V a, V b);
  }

  /**
   * Solves {@code problem} over {@code flow}.
   *
   * @param flow the method's control-flow graph
   * @param problem the problem
   * @param <V> its values
   * @return the value before each instruction, by index; null where unreachable (read-only)
   */
  public static <V> List<V> solve(ControlFlow flow, Problem<V> problem) {
    List<V> before = new ArrayList<>(Collections.nCopies(flow.size(), null));
    if (flow.size() == 0) {
      return Collections.unmodifiableList(before);
    }
    Deque<Integer> work = new ArrayDeque<>();
    before.set(0, problem.entry());
    work.add(0);
    while (!work.isEmpty()) {
      int i = work.poll();
      V value = before.get(i);
      for (int handler : flow.handlers(i)) {
        join(before, work, handler, problem.exceptional(i, value), problem);
      }
      for (int successor : flow.successors(i)) {
        join(before, work, successor, problem.transfer(i, value, successor), problem);
      }
    }
    return Collections.unmodifiableList(before);
  }

  /** Merges {@code value} into the value before {@code target}; queues it again if that changed. */
  private static <V> void join(
      List<V> before, Deque<Integer> work, int target, V value, Problem<V> problem) {
    V old = before.get(target);
    V merged = old == null ? value : problem.merge(old, value);
    if (!merged.equals(old)) {
      before.set(target, merged);
      work.add(target);
    }
  }
}
