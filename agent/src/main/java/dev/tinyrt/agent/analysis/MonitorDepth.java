// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.MethodNode;

/**
 * How many monitors ({@code synchronized} blocks) the method holds before each instruction: a
 * forward pass over the shared {@link ControlFlow} graph counting {@code MONITORENTER} and
 * {@code MONITOREXIT} along every path. Where paths
 * disagree the larger count wins, so a monitor held on any path is seen.
 */
public final class MonitorDepth {

  /** The most nested monitors tracked; deeper counts stay here, which still means "held". */
  private static final int MAX_DEPTH = 64;

  /** Monitors held before each instruction; -1 where unreachable. */
  private final int[] depth;

  private MonitorDepth(int[] depth) {
    this.depth = depth;
  }

  /**
   * Computes the monitor depth before each instruction of {@code method}.
   *
   * @param method a method with code
   * @return the depths
   */
  public static MonitorDepth of(MethodNode method) {
    InsnList insns = method.instructions;
    int size = insns.size();
    int[] depth = new int[size];
    Arrays.fill(depth, -1);
    if (size == 0) {
      return new MonitorDepth(depth);
    }
    ControlFlow flow = ControlFlow.of(method);
    Deque<Integer> work = new ArrayDeque<>();
    depth[0] = 0;
    work.add(0);
    while (!work.isEmpty()) {
      int i = work.poll();
      AbstractInsnNode insn = insns.get(i);
      int before = depth[i];
      int after = switch (insn.getOpcode()) {
        case Opcodes.MONITORENTER -> Math.min(before + 1, MAX_DEPTH);
        case Opcodes.MONITOREXIT -> Math.max(before - 1, 0);
        default -> before;
      };
      // An exception raised by this instruction reaches the handler with the depth before it.
      for (int handler : flow.handlers(i)) {
        flow(depth, work, handler, before);
      }
      for (int successor : flow.successors(i)) {
        flow(depth, work, successor, after);
      }
    }
    return new MonitorDepth(depth);
  }

  private static void flow(int[] depth, Deque<Integer> work, int target, int value) {
    if (value > depth[target]) {
      depth[target] = value;
      work.add(target);
    }
  }

  /** @return how many monitors are held before instruction {@code index} (0 if unreachable) */
  public int before(int index) {
    return Math.max(depth[index], 0);
  }
}
