// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Which local variable slots are live (may still be read) before each instruction: the classic
 * backward data-flow analysis over the method's {@link ControlFlow} graph, exception edges included. A value
 * that is not live at an await need not be stored in the frame: the chapter's "memory held while
 * waiting", done by the tool.
 */
public final class Liveness {

  /** Live slots before each instruction, by index in the method's instruction list. */
  private final BitSet[] liveIn;

  private Liveness(BitSet[] liveIn) {
    this.liveIn = liveIn;
  }

  /**
   * Computes liveness for {@code method}.
   *
   * @param method a method with code
   * @return the live slots before each instruction
   */
  public static Liveness of(MethodNode method) {
    InsnList insns = method.instructions;
    int size = insns.size();
    ControlFlow flow = ControlFlow.of(method);
    List<List<Integer>> predecessors = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      predecessors.add(new ArrayList<>(2));
    }
    for (int i = 0; i < size; i++) {
      for (int s : flow.successors(i)) {
        predecessors.get(s).add(i);
      }
      for (int h : flow.handlers(i)) {
        predecessors.get(h).add(i);
      }
    }

    // Backward fixed point: in(i) = use(i) + (out(i) - def(i)) + in(handlers of i).
    BitSet[] liveIn = new BitSet[size];
    for (int i = 0; i < size; i++) {
      liveIn[i] = new BitSet();
    }
    Deque<Integer> work = new ArrayDeque<>(size);
    boolean[] queued = new boolean[size];
    for (int i = size - 1; i >= 0; i--) {
      work.add(i);
      queued[i] = true;
    }
    while (!work.isEmpty()) {
      int i = work.poll();
      queued[i] = false;
      AbstractInsnNode insn = insns.get(i);
      BitSet in = new BitSet();
      for (int s : flow.successors(i)) {
        in.or(liveIn[s]);
      }
      int defined = definedSlot(insn);
      if (defined >= 0) {
        in.clear(defined);
      }
      int used = usedSlot(insn);
      if (used >= 0) {
        in.set(used);
      }
      for (int h : flow.handlers(i)) {
        in.or(liveIn[h]);
      }
      if (!in.equals(liveIn[i])) {
        liveIn[i] = in;
        for (int p : predecessors.get(i)) {
          if (!queued[p]) {
            queued[p] = true;
            work.add(p);
          }
        }
      }
    }
    return new Liveness(liveIn);
  }

  /** @return the slots live before instruction {@code index} (do not modify) */
  public BitSet liveBefore(int index) {
    return liveIn[index];
  }

  private static int usedSlot(AbstractInsnNode insn) {
    int opcode = insn.getOpcode();
    if (insn instanceof VarInsnNode v && opcode >= Opcodes.ILOAD && opcode <= Opcodes.ALOAD) {
      return v.var;
    }
    if (insn instanceof IincInsnNode iinc) {
      return iinc.var;
    }
    return -1;
  }

  private static int definedSlot(AbstractInsnNode insn) {
    int opcode = insn.getOpcode();
    if (insn instanceof VarInsnNode v && opcode >= Opcodes.ISTORE && opcode <= Opcodes.ASTORE) {
      return v.var;
    }
    return -1;
  }
}
