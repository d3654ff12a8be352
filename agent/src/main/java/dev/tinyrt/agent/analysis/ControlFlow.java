// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import java.util.Arrays;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicInterpreter;
import org.objectweb.asm.tree.analysis.BasicValue;

/**
 * The control-flow graph of a method, by instruction index, as ASM's {@link Analyzer} walks it:
 * normal edges (fall-through, jumps, switches) and exception edges (from each instruction of a
 * handler's range to the handler). The one graph the liveness and monitor analyses share.
 * Unreachable instructions have no edges.
 */
public final class ControlFlow {

  /** No successors. */
  private static final int[] NONE = new int[0];

  /** The normal successors of each instruction. */
  private final int[][] successors;

  /** The handlers an exception raised by each instruction may reach. */
  private final int[][] handlers;

  private ControlFlow(int[][] successors, int[][] handlers) {
    this.successors = successors;
    this.handlers = handlers;
  }

  /**
   * Builds the graph of {@code method}.
   *
   * @param method a method with code and its maximums
   * @return its control-flow graph
   * @throws IllegalArgumentException if ASM's analyzer rejects the code
   */
  public static ControlFlow of(MethodNode method) {
    int size = method.instructions.size();
    int[][] successors = new int[size][];
    int[][] handlers = new int[size][];
    Arrays.fill(successors, NONE);
    Arrays.fill(handlers, NONE);
    Analyzer<BasicValue> analyzer = new Analyzer<>(new BasicInterpreter()) {
      @Override
      protected void newControlFlowEdge(int insn, int successor) {
        successors[insn] = add(successors[insn], successor);
      }

      @Override
      protected boolean newControlFlowExceptionEdge(int insn, int successor) {
        handlers[insn] = add(handlers[insn], successor);
        return true;
      }
    };
    try {
      // The basic interpreter gives every reference one value: the owner's name is never used.
      analyzer.analyze("java/lang/Object", method);
    } catch (AnalyzerException e) {
      throw new IllegalArgumentException("cannot follow the control flow of " + method.name, e);
    }
    return new ControlFlow(successors, handlers);
  }

  /** @return how many instructions the method has */
  public int size() {
    return successors.length;
  }

  /** @return the normal successors of instruction {@code index} (do not modify) */
  public int[] successors(int index) {
    return successors[index];
  }

  /** @return the handlers instruction {@code index} may throw to (do not modify) */
  public int[] handlers(int index) {
    return handlers[index];
  }

  private static int[] add(int[] array, int value) {
    for (int v : array) {
      if (v == value) {
        return array; // the analyzer reports an edge again each time it revisits
      }
    }
    int[] bigger = Arrays.copyOf(array, array.length + 1);
    bigger[array.length] = value;
    return bigger;
  }
}
