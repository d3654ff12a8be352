// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import dev.tinyrt.agent.analysis.AwaitSite;
import dev.tinyrt.agent.analysis.SourceLocation;
import java.util.List;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * The lines the {@code trace} option prints, made once at rewrite time from the original code
 * (names come from its local variable table, when it was compiled with {@code -g}). A {@code {F}}
 * in a message is replaced at run time by the class of what field {@code F} holds.
 */
final class TraceMessages {

  private final MethodNode method;

  /** {@code CartAsync.cartTotal}: how every line starts. */
  private final String subject;

  /** The method's first line. */
  private final SourceLocation where;

  TraceMessages(ClassNode host, MethodNode method, SourceLocation where) {
    this.method = method;
    this.where = where;
    this.subject = where.simpleClassName() + "." + where.method();
  }

  String start() {
    return subject + ": Start, first poll (" + where.fileAndLine() + ")";
  }

  String parked(int state, AwaitSite site, List<String> stored) {
    return subject + ": pending at await " + state + " (" + site.location().fileAndLine()
        + ", await(" + awaitedExpression(site.insn()) + ")), parked storing "
        + String.join(", ", stored);
  }

  String resumed(int state, AwaitSite site) {
    return subject + ": woken, resumes at await " + state + " (" + site.location().fileAndLine()
        + ")";
  }

  String done() {
    return subject + ": Done";
  }

  /** The source name of local {@code slot} at {@code insn}, or {@code local<slot>} without debug information. */
  String localName(int slot, AbstractInsnNode insn) {
    if (method.localVariables != null) {
      int at = method.instructions.indexOf(insn);
      for (LocalVariableNode v : method.localVariables) {
        if (v.index == slot
            && method.instructions.indexOf(v.start) <= at
            && at < method.instructions.indexOf(v.end)) {
          return v.name;
        }
      }
    }
    return "local" + slot;
  }

  /** A short text for the expression whose value {@code await} receives. */
  String awaitedExpression(AbstractInsnNode await) {
    AbstractInsnNode producer = await.getPrevious();
    while (producer != null && producer.getOpcode() < 0) {
      if (producer instanceof FrameNode) {
        return "...";
      }
      producer = producer.getPrevious();
    }
    if (producer instanceof VarInsnNode load) {
      return localName(load.var, load);
    }
    if (producer instanceof FieldInsnNode field) {
      return field.name;
    }
    if (producer instanceof MethodInsnNode call) {
      String args = Type.getArgumentTypes(call.desc).length == 0 ? "()" : "(...)";
      // A constructor reads as the source does ('new Forgetful()'), not as '<init>()'.
      if (call.name.equals("<init>")) {
        String type = call.owner.substring(call.owner.lastIndexOf('/') + 1);
        return "new " + type.substring(type.lastIndexOf('$') + 1) + args;
      }
      return call.name + args;
    }
    if (producer instanceof InvokeDynamicInsnNode) {
      return "a lambda";
    }
    return "...";
  }
}
