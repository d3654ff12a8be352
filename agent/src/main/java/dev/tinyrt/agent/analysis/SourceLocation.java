// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Where something is in the user's source, rendered the way a stack trace does:
 * {@code com.example.Shop.cartTotal (Shop.java:12)}.
 *
 * @param className the class's binary name, dotted
 * @param method the method's name
 * @param file the source file, or null without debug information
 * @param line the line, or -1 without line numbers
 */
public record SourceLocation(String className, String method, String file, int line) {

  /**
   * Returns the location of {@code insn} in {@code method} of {@code owner}.
   *
   * @param owner the class
   * @param method the method
   * @param insn an instruction of the method, or null for the method's first line
   * @return the location
   */
  public static SourceLocation of(ClassNode owner, MethodNode method, AbstractInsnNode insn) {
    return new SourceLocation(
        owner.name.replace('/', '.'), method.name, owner.sourceFile, lineOf(method, insn));
  }

  /** Returns the line of {@code insn}, or of the method's first line when {@code insn} is null. */
  static int lineOf(MethodNode method, AbstractInsnNode insn) {
    if (insn == null) {
      for (AbstractInsnNode n = method.instructions.getFirst(); n != null; n = n.getNext()) {
        if (n instanceof LineNumberNode line) {
          return line.line;
        }
      }
      return -1;
    }
    for (AbstractInsnNode n = insn; n != null; n = n.getPrevious()) {
      if (n instanceof LineNumberNode line) {
        return line.line;
      }
    }
    return -1;
  }

  /** @return {@code Shop.java:12}, {@code Shop.java} or {@code Unknown Source} */
  public String fileAndLine() {
    if (file == null) {
      return line >= 0 ? "line " + line : "Unknown Source";
    }
    return line >= 0 ? file + ":" + line : file;
  }

  /** @return the simple name of the class, without its package */
  public String simpleClassName() {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  @Override
  public String toString() {
    return className + "." + method + " (" + fileAndLine() + ")";
  }
}
