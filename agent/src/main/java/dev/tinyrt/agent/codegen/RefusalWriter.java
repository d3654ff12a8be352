// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import java.util.ArrayList;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * Replaces the body of a method the agent refuses to rewrite by {@code throw new
 * IllegalStateException(reason)}: the class still loads, and calling the method says why it
 * cannot work, with the same words the agent logged at load time.
 */
public final class RefusalWriter {

  private RefusalWriter() {}

  /**
   * Makes {@code method} throw {@code reason}.
   *
   * @param method the method, changed in place
   * @param reason the user-facing message
   */
  public static void refuse(MethodNode method, String reason) {
    replaceCode(method, throwNew("java/lang/IllegalStateException", reason));
  }

  /**
   * Gives {@code method} new code, dropping what described the old (handlers, local variables
   * and their annotations); the class writer computes the maximums.
   *
   * @param method the method, changed in place
   * @param code its new code, without branches into handlers
   */
  static void replaceCode(MethodNode method, InsnList code) {
    method.instructions = code;
    method.tryCatchBlocks = new ArrayList<>();
    method.localVariables = null;
    method.visibleLocalVariableAnnotations = null;
    method.invisibleLocalVariableAnnotations = null;
    method.maxStack = 0;
    method.maxLocals = 0;
  }

  /**
   * Returns {@code throw new <type>(message);}.
   *
   * @param type the internal name of an exception with a {@code (String)} constructor
   * @param message the message
   * @return the instructions
   */
  static InsnList throwNew(String type, String message) {
    InsnList code = new InsnList();
    code.add(new TypeInsnNode(Opcodes.NEW, type));
    code.add(new InsnNode(Opcodes.DUP));
    code.add(new LdcInsnNode(message));
    code.add(new MethodInsnNode(
        Opcodes.INVOKESPECIAL, type, "<init>", "(Ljava/lang/String;)V", /* isInterface = */ false));
    code.add(new InsnNode(Opcodes.ATHROW));
    return code;
  }
}
