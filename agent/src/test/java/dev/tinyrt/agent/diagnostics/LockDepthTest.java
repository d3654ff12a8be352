// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

/** {@link LockDepth} on methods built instruction by instruction, where each answer is known. */
class LockDepthTest {

  static final String LOCK = "java/util/concurrent/locks/Lock";

  static MethodNode method() {
    MethodNode m = new MethodNode(
        Opcodes.ASM9, Opcodes.ACC_STATIC, "m", "(L" + LOCK + ";)V", null, null);
    m.maxStack = 2;
    m.maxLocals = 2;
    return m;
  }

  static MethodInsnNode call(String name, String desc) {
    return new MethodInsnNode(Opcodes.INVOKEINTERFACE, LOCK, name, desc, true);
  }

  @Test
  void aTryLockTestedAtOnceIsHeldOnlyWhereItReturnedTrue() {
    // 0: aload 0  1: invokeinterface tryLock  2: ifeq failed  3: nop  4: aload 0  5: unlock
    // 6: failed  7: return
    for (int opcode : new int[] {Opcodes.IFEQ, Opcodes.IFNE}) {
      MethodNode m = method();
      LabelNode jumped = new LabelNode();
      m.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0)); // 0
      m.instructions.add(call("tryLock", "()Z")); // 1
      m.instructions.add(new JumpInsnNode(opcode, jumped)); // 2
      m.instructions.add(new InsnNode(Opcodes.NOP)); // 3
      m.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0)); // 4
      m.instructions.add(call("unlock", "()V")); // 5
      m.instructions.add(jumped); // 6
      m.instructions.add(new InsnNode(Opcodes.RETURN)); // 7

      LockDepth depth = LockDepth.of(m);
      boolean heldOnFallThrough = opcode == Opcodes.IFEQ;
      assertEquals(heldOnFallThrough ? 1 : 0, depth.before(3), "fall-through after " + opcode);
      // IFNE: the lock is held where the jump lands, and the fall-through's unlock takes it off
      // nothing (counts stay at 0), so the join keeps the jump's 1.
      assertEquals(heldOnFallThrough ? 0 : 1, depth.before(7), "join after " + opcode);
    }
  }

  @Test
  void aTryLockKeptForLaterCountsAsTakenAndALockIsHeldInItsHandler() {
    // 0: aload 0  1: tryLock  2: pop  [try 3: label 4: aload 0 5: lock 6: nop 7: label]
    // 8: return; handler 9: label 10: pop 11: return
    MethodNode m = method();
    LabelNode start = new LabelNode();
    LabelNode end = new LabelNode();
    LabelNode handler = new LabelNode();
    m.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0)); // 0
    m.instructions.add(call("tryLock", "()Z")); // 1
    m.instructions.add(new InsnNode(Opcodes.POP)); // 2
    m.instructions.add(start); // 3
    m.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0)); // 4
    m.instructions.add(call("lock", "()V")); // 5
    m.instructions.add(new InsnNode(Opcodes.NOP)); // 6
    m.instructions.add(end); // 7
    m.instructions.add(new InsnNode(Opcodes.RETURN)); // 8
    m.instructions.add(handler); // 9
    m.instructions.add(new InsnNode(Opcodes.POP)); // 10
    m.instructions.add(new InsnNode(Opcodes.RETURN)); // 11
    m.tryCatchBlocks.add(new TryCatchBlockNode(start, end, handler, null));

    LockDepth depth = LockDepth.of(m);
    assertEquals(1, depth.before(2), "the tryLock's result is not tested: taken");
    assertEquals(2, depth.before(6));
    assertEquals(2, depth.before(10), "the nop raises with both held");
  }
}
