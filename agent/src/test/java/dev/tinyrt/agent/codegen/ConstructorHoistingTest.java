// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.BasicVerifier;

/** {@link ConstructorHoisting} on methods built instruction by instruction. */
class ConstructorHoistingTest {

  static final String AWAIT_DESC = "(Ldev/tinyrt/Future;)Ljava/lang/Object;";

  /** {@code static Object m(Future f, long n) { return new p.Pair(<first>, n); }} */
  static MethodNode construct(boolean awaitFirst) {
    MethodNode m = new MethodNode(Opcodes.ASM9, Opcodes.ACC_STATIC, "m",
        "(Ldev/tinyrt/Future;J)Ljava/lang/Object;", null, null);
    m.maxStack = 5;
    m.maxLocals = 3;
    m.instructions.add(new TypeInsnNode(Opcodes.NEW, "p/Pair"));
    m.instructions.add(new InsnNode(Opcodes.DUP));
    m.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
    if (awaitFirst) {
      m.instructions.add(
          new MethodInsnNode(Opcodes.INVOKESTATIC, "dev/tinyrt/Async", "await", AWAIT_DESC, false));
    }
    m.instructions.add(new VarInsnNode(Opcodes.LLOAD, 1));
    m.instructions.add(new MethodInsnNode(
        Opcodes.INVOKESPECIAL, "p/Pair", "<init>", "(Ljava/lang/Object;J)V", false));
    m.instructions.add(new InsnNode(Opcodes.ARETURN));
    return m;
  }

  static ClassNode host() {
    ClassNode host = new ClassNode();
    host.name = "p/Host";
    host.superName = "java/lang/Object";
    return host;
  }

  /** Each instruction as its opcode and operand: {@code NEW p/Pair}, {@code LSTORE 4}, ... */
  static List<String> listing(MethodNode m) {
    List<String> out = new ArrayList<>();
    for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) {
      String op = org.objectweb.asm.util.Printer.OPCODES[n.getOpcode()];
      if (n instanceof VarInsnNode v) {
        op += " " + v.var;
      } else if (n instanceof TypeInsnNode t) {
        op += " " + t.desc;
      } else if (n instanceof MethodInsnNode c) {
        op += " " + c.name;
      }
      out.add(op);
    }
    return out;
  }

  @Test
  void aConstructorWhoseArgumentsAwaitIsAllocatedAfterThemFromFreshLocals() throws Exception {
    MethodNode m = construct(true);
    ConstructorHoisting.apply(host(), m);

    // The long takes two fresh slots (4, 5) after the object's (3).
    assertEquals(List.of(
        "ALOAD 0", "INVOKESTATIC await", "LLOAD 1",
        "LSTORE 4", "ASTORE 3",
        "NEW p/Pair", "DUP", "ALOAD 3", "LLOAD 4",
        "INVOKESPECIAL <init>", "ARETURN"), listing(m));
    assertEquals(6, m.maxLocals);
    new Analyzer<>(new BasicVerifier()).analyze("p/Host", m); // still well-typed
  }

  @Test
  void aConstructorWithoutAnAwaitInItsArgumentsStaysAsItIs() throws Exception {
    MethodNode m = construct(false);
    List<String> before = listing(m);
    ConstructorHoisting.apply(host(), m);
    assertEquals(before, listing(m));
    assertEquals(3, m.maxLocals);
  }
}
