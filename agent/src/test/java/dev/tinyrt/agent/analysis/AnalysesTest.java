// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.junit.jupiter.api.Test;

/** The analyses on methods built instruction by instruction, where each answer is known. */
class AnalysesTest {

  static MethodNode method(String desc) {
    MethodNode m = new MethodNode(Opcodes.ASM9, Opcodes.ACC_STATIC, "m", desc, null, null);
    m.maxStack = 4;
    m.maxLocals = 4;
    return m;
  }

  @Test
  void aLocalReadOnlyByAHandlerIsLiveThroughoutItsRange() {
    // 0: iconst_1  1: istore 0  [try 2: label 3: nop 4: iconst_0 5: ireturn 6: label]
    // handler 7: label 8: pop 9: iload 0 10: ireturn
    MethodNode m = method("()I");
    LabelNode start = new LabelNode();
    LabelNode end = new LabelNode();
    LabelNode handler = new LabelNode();
    m.instructions.add(new InsnNode(Opcodes.ICONST_1)); // 0
    m.instructions.add(new VarInsnNode(Opcodes.ISTORE, 0)); // 1
    m.instructions.add(start); // 2
    m.instructions.add(new InsnNode(Opcodes.NOP)); // 3
    m.instructions.add(new InsnNode(Opcodes.ICONST_0)); // 4
    m.instructions.add(new InsnNode(Opcodes.IRETURN)); // 5
    m.instructions.add(end); // 6
    m.instructions.add(handler); // 7
    m.instructions.add(new InsnNode(Opcodes.POP)); // 8
    m.instructions.add(new VarInsnNode(Opcodes.ILOAD, 0)); // 9
    m.instructions.add(new InsnNode(Opcodes.IRETURN)); // 10
    m.tryCatchBlocks.add(new TryCatchBlockNode(start, end, handler, null));

    Liveness live = Liveness.of(m);
    assertFalse(live.liveBefore(1).get(0), "written before any read");
    assertTrue(live.liveBefore(3).get(0), "the nop may throw into the handler, which reads it");
    assertTrue(live.liveBefore(5).get(0), "still inside the range");
    assertFalse(live.liveBefore(10).get(0), "after its last read");
  }

  @Test
  void aLongIsLiveByItsFirstSlotUntilItsLastRead() {
    // 0: lconst_1  1: lstore 0  2: iconst_0  3: istore 2  4: lload 0  5: lreturn
    MethodNode m = method("()J");
    m.instructions.add(new InsnNode(Opcodes.LCONST_1));
    m.instructions.add(new VarInsnNode(Opcodes.LSTORE, 0));
    m.instructions.add(new InsnNode(Opcodes.ICONST_0));
    m.instructions.add(new VarInsnNode(Opcodes.ISTORE, 2));
    m.instructions.add(new VarInsnNode(Opcodes.LLOAD, 0));
    m.instructions.add(new InsnNode(Opcodes.LRETURN));

    Liveness live = Liveness.of(m);
    assertTrue(live.liveBefore(2).get(0));
    assertTrue(live.liveBefore(4).get(0));
    assertFalse(live.liveBefore(3).get(2), "slot 2 is written and never read");
    assertFalse(live.liveBefore(5).get(0), "read already");
  }

  @Test
  void aDoubleIsLiveByItsFirstSlotAndItsSecondSlotCanHoldAnotherValueLater() {
    // 0: dconst_1  1: dstore 0  2: dload 0  3: pop2  4: iconst_0  5: istore 1  6: iload 1
    // 7: pop  8: return
    MethodNode m = method("()V");
    m.instructions.add(new InsnNode(Opcodes.DCONST_1)); // 0
    m.instructions.add(new VarInsnNode(Opcodes.DSTORE, 0)); // 1
    m.instructions.add(new VarInsnNode(Opcodes.DLOAD, 0)); // 2
    m.instructions.add(new InsnNode(Opcodes.POP2)); // 3
    m.instructions.add(new InsnNode(Opcodes.ICONST_0)); // 4
    m.instructions.add(new VarInsnNode(Opcodes.ISTORE, 1)); // 5
    m.instructions.add(new VarInsnNode(Opcodes.ILOAD, 1)); // 6
    m.instructions.add(new InsnNode(Opcodes.POP)); // 7
    m.instructions.add(new InsnNode(Opcodes.RETURN)); // 8

    Liveness live = Liveness.of(m);
    assertTrue(live.liveBefore(2).get(0), "the double is read by its first slot");
    assertFalse(live.liveBefore(2).get(1), "its second slot is never read on its own");
    assertFalse(live.liveBefore(3).get(0), "read already");
    assertTrue(live.liveBefore(6).get(1), "slot 1 now holds an int that is read");
    assertFalse(live.liveBefore(6).get(0));
  }

  @Test
  void aLoopKeepsItsCounterLiveAtItsHead() {
    // 0: iconst_0  1: istore 0  2: head  3: iload 0  4: ifne head  5: return
    MethodNode m = method("()V");
    LabelNode head = new LabelNode();
    m.instructions.add(new InsnNode(Opcodes.ICONST_0)); // 0
    m.instructions.add(new VarInsnNode(Opcodes.ISTORE, 0)); // 1
    m.instructions.add(head); // 2
    m.instructions.add(new VarInsnNode(Opcodes.ILOAD, 0)); // 3
    m.instructions.add(new JumpInsnNode(Opcodes.IFNE, head)); // 4
    m.instructions.add(new InsnNode(Opcodes.RETURN)); // 5

    Liveness live = Liveness.of(m);
    assertTrue(live.liveBefore(2).get(0));
    assertTrue(live.liveBefore(4).get(0), "the jump back reaches a read");
    assertFalse(live.liveBefore(5).get(0));
  }

  @Test
  void aMonitorIsHeldInsideItsBlockAndOnTheExceptionalPathToItsExit() {
    // 0: aload 0  1: monitorenter  [try 2: label 3: nop 4: label] 5: aload 0 6: monitorexit
    // 7: return; handler 8: label 9: astore 1 10: aload 0 11: monitorexit 12: aload 1 13: athrow
    MethodNode m = method("(Ljava/lang/Object;)V");
    LabelNode start = new LabelNode();
    LabelNode end = new LabelNode();
    LabelNode handler = new LabelNode();
    m.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0)); // 0
    m.instructions.add(new InsnNode(Opcodes.MONITORENTER)); // 1
    m.instructions.add(start); // 2
    m.instructions.add(new InsnNode(Opcodes.NOP)); // 3
    m.instructions.add(end); // 4
    m.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0)); // 5
    m.instructions.add(new InsnNode(Opcodes.MONITOREXIT)); // 6
    m.instructions.add(new InsnNode(Opcodes.RETURN)); // 7
    m.instructions.add(handler); // 8
    m.instructions.add(new VarInsnNode(Opcodes.ASTORE, 1)); // 9
    m.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0)); // 10
    m.instructions.add(new InsnNode(Opcodes.MONITOREXIT)); // 11
    m.instructions.add(new VarInsnNode(Opcodes.ALOAD, 1)); // 12
    m.instructions.add(new InsnNode(Opcodes.ATHROW)); // 13
    m.tryCatchBlocks.add(new TryCatchBlockNode(start, end, handler, null));

    MonitorDepth depth = MonitorDepth.of(m);
    assertEquals(0, depth.before(1));
    assertEquals(1, depth.before(3), "inside the block");
    assertEquals(1, depth.before(9), "the handler runs with the monitor still held");
    assertEquals(1, depth.before(11));
    assertEquals(0, depth.before(12), "released on the exceptional path too");
    assertEquals(0, depth.before(7));
  }
}
