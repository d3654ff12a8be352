// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.MethodNode;

/**
 * How many monitors ({@code synchronized} blocks) the method holds before each instruction: a
 * forward pass over the shared {@link ControlFlow} graph ({@link ForwardDataflow}) counting
 * {@code MONITORENTER} and {@code MONITOREXIT} along every path. Where paths disagree the larger
 * count wins, so a monitor held on any path is seen. An exception reaches its handler with the
 * count before the instruction that raised it.
 */
public final class MonitorDepth {

  /** The most nested monitors tracked; deeper counts stay here, which still means "held". */
  private static final int MAX_DEPTH = 64;

  /** Monitors held before each instruction; null where unreachable. */
  private final List<Integer> depth;

  private MonitorDepth(List<Integer> depth) {
    this.depth = depth;
  }

  /**
   * Computes the monitor depth before each instruction of {@code method}.
   *
   * @param method a method with code
   * @return the depths
   */
  public static MonitorDepth of(MethodNode method) {
    return of(method, ControlFlow.of(method));
  }

  /**
   * Computes the monitor depth before each instruction of {@code method} over its graph.
   *
   * @param method a method with code
   * @param flow its control-flow graph, as it is now
   * @return the depths
   */
  public static MonitorDepth of(MethodNode method, ControlFlow flow) {
    InsnList insns = method.instructions;
    return new MonitorDepth(ForwardDataflow.solve(flow,
        new ForwardDataflow.Problem<Integer>() {
          @Override
          public Integer entry() {
            return 0;
          }

          @Override
          public Integer transfer(int insn, Integer before, int successor) {
            return switch (insns.get(insn).getOpcode()) {
              case Opcodes.MONITORENTER -> Math.min(before + 1, MAX_DEPTH);
              case Opcodes.MONITOREXIT -> Math.max(before - 1, 0);
              default -> before;
            };
          }

          @Override
          public Integer merge(Integer a, Integer b) {
            return Math.max(a, b);
          }
        }));
  }

  /** @return how many monitors are held before instruction {@code index} (0 if unreachable) */
  public int before(int index) {
    Integer held = depth.get(index);
    return held == null ? 0 : held;
  }
}
