// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import java.util.ArrayList;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.MethodNode;

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
    replaceCode(method, Emitter.throwIllegalState(reason));
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
}
