// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * The forward solver on methods built instruction by instruction, with a problem whose answer is
 * known: the most {@code NOP}s on any path to each instruction, capped (a finite lattice), and an
 * exception edge that carries the value before the raising instruction.
 */
class ForwardDataflowTest {

  /** The cap of {@link #NOPS}: keeps the lattice finite where a loop passes a nop. */
  static final int CAP = 5;

  /** How many nops were passed, at most {@link #CAP}; paths merge by the larger count. */
  static ForwardDataflow.Problem<Integer> nops(MethodNode m) {
    return new ForwardDataflow.Problem<>() {
      @Override
      public Integer entry() {
        return 0;
      }

      @Override
      public Integer transfer(int insn, Integer before, int successor) {
        return m.instructions.get(insn).getOpcode() == Opcodes.NOP ? Math.min(before + 1, CAP) : before;
      }

      @Override
      public Integer merge(Integer a, Integer b) {
        return Math.max(a, b);
      }
    };
  }

  @Test
  void pathsThatDisagreeMergeAndWhatNoPathReachesHasNoValue() {
    // 0: iload 0  1: ifeq else  2: nop  3: nop  4: goto join  5: else  6: nop  7: join  8: return
    // 9: nop (unreachable)
    MethodNode m = AnalysesTest.method("(I)V");
    LabelNode otherwise = new LabelNode();
    LabelNode join = new LabelNode();
    m.instructions.add(new VarInsnNode(Opcodes.ILOAD, 0)); // 0
    m.instructions.add(new JumpInsnNode(Opcodes.IFEQ, otherwise)); // 1
    m.instructions.add(new InsnNode(Opcodes.NOP)); // 2
    m.instructions.add(new InsnNode(Opcodes.NOP)); // 3
    m.instructions.add(new JumpInsnNode(Opcodes.GOTO, join)); // 4
    m.instructions.add(otherwise); // 5
    m.instructions.add(new InsnNode(Opcodes.NOP)); // 6
    m.instructions.add(join); // 7
    m.instructions.add(new InsnNode(Opcodes.RETURN)); // 8
    m.instructions.add(new InsnNode(Opcodes.NOP)); // 9

    List<Integer> before = ForwardDataflow.solve(ControlFlow.of(m), nops(m));
    assertEquals(0, before.get(0));
    assertEquals(2, before.get(4), "two nops on the then branch");
    assertEquals(0, before.get(6));
    assertEquals(2, before.get(8), "the larger count where the branches join");
    assertNull(before.get(9), "unreachable");
  }

  @Test
  void aHandlerSeesTheValueBeforeTheInstructionThatRaised() {
    // [try 0: label 1: nop 2: nop 3: label] 4: return; handler 5: label 6: pop 7: return
    MethodNode m = AnalysesTest.method("()V");
    LabelNode start = new LabelNode();
    LabelNode end = new LabelNode();
    LabelNode handler = new LabelNode();
    m.instructions.add(start); // 0
    m.instructions.add(new InsnNode(Opcodes.NOP)); // 1
    m.instructions.add(new InsnNode(Opcodes.NOP)); // 2
    m.instructions.add(end); // 3
    m.instructions.add(new InsnNode(Opcodes.RETURN)); // 4
    m.instructions.add(handler); // 5
    m.instructions.add(new InsnNode(Opcodes.POP)); // 6
    m.instructions.add(new InsnNode(Opcodes.RETURN)); // 7
    m.tryCatchBlocks.add(new TryCatchBlockNode(start, end, handler, null));

    List<Integer> before = ForwardDataflow.solve(ControlFlow.of(m), nops(m));
    assertEquals(2, before.get(4));
    assertEquals(1, before.get(5), "the second nop may raise with one nop passed, not two");
  }

  @Test
  void aLoopRunsToAFixedPoint() {
    // 0: head  1: nop  2: iload 0  3: ifne head  4: return
    MethodNode m = AnalysesTest.method("(I)V");
    LabelNode head = new LabelNode();
    m.instructions.add(head); // 0
    m.instructions.add(new InsnNode(Opcodes.NOP)); // 1
    m.instructions.add(new VarInsnNode(Opcodes.ILOAD, 0)); // 2
    m.instructions.add(new JumpInsnNode(Opcodes.IFNE, head)); // 3
    m.instructions.add(new InsnNode(Opcodes.RETURN)); // 4

    List<Integer> before = ForwardDataflow.solve(ControlFlow.of(m), nops(m));
    assertEquals(CAP, before.get(0), "each turn adds one, up to the cap");
    assertEquals(CAP, before.get(4));
  }
}
