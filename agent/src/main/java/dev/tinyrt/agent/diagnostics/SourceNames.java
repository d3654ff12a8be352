// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * What the source called things, as far as the bytecode shows: local names and declared types from
 * the local variable table ({@code javac -g}), and the expression that produced an awaited value.
 *
 * @param method the original (not rewritten) method
 */
record SourceNames(MethodNode method) {

  /**
   * An awaited expression.
   *
   * @param text how to show it: {@code socks}, {@code lookup(...)}, {@code this.price}
   * @param identifier its last name ({@code socks}, {@code lookup}, {@code price}), or null
   * @param descriptor the declared type of what it produced, or null when unknown
   */
  record Awaited(String text, String identifier, String descriptor) {}

  /** @return the variable of local {@code slot} in scope at {@code insn}, or null */
  LocalVariableNode variable(int slot, AbstractInsnNode insn) {
    if (method.localVariables == null) {
      return null;
    }
    int at = method.instructions.indexOf(insn);
    for (LocalVariableNode v : method.localVariables) {
      if (v.index == slot
          && method.instructions.indexOf(v.start) <= at
          && at < method.instructions.indexOf(v.end)) {
        return v;
      }
    }
    return null;
  }

  /** @return the source name of local {@code slot} at {@code insn}, or {@code slot N} */
  String localName(int slot, AbstractInsnNode insn) {
    LocalVariableNode v = variable(slot, insn);
    return v == null ? "slot " + slot : v.name;
  }

  /**
   * Returns the declared type of local {@code slot} at {@code insn}, else the verifier's.
   *
   * @param verifierType the type in the stack map ({@code StackMapTypes} encoding)
   * @return a field descriptor
   */
  String localDescriptor(int slot, AbstractInsnNode insn, Object verifierType) {
    LocalVariableNode v = variable(slot, insn);
    return v != null ? v.desc : descriptorOf(verifierType);
  }

  /** @return the descriptor of a verifier type ({@code StackMapTypes} encoding) */
  static String descriptorOf(Object verifierType) {
    if (verifierType == Opcodes.INTEGER) {
      return "I";
    }
    if (verifierType == Opcodes.LONG) {
      return "J";
    }
    if (verifierType == Opcodes.FLOAT) {
      return "F";
    }
    if (verifierType == Opcodes.DOUBLE) {
      return "D";
    }
    if (verifierType instanceof String name) {
      return name.startsWith("[") ? name : "L" + name + ";";
    }
    return "Ljava/lang/Object;";
  }

  /** @return a descriptor as the source writes it, without packages: {@code byte[]}, {@code Future} */
  static String typeText(String descriptor) {
    String name = Type.getType(descriptor).getClassName();
    int generic = name.indexOf('<');
    String base = generic < 0 ? name : name.substring(0, generic);
    String simple = base.substring(base.lastIndexOf('.') + 1);
    return simple.substring(simple.lastIndexOf('$') + 1);
  }

  /**
   * Returns the instruction that pushed the value {@code await} receives, if it is in the same
   * block (no jump target in between), skipping casts; else null.
   */
  AbstractInsnNode producer(AbstractInsnNode await) {
    AbstractInsnNode producer = await.getPrevious();
    while (producer != null
        && (producer.getOpcode() < 0 || producer.getOpcode() == Opcodes.CHECKCAST)) {
      if (producer instanceof FrameNode) {
        return null;
      }
      producer = producer.getPrevious();
    }
    return producer;
  }

  /** @return the expression whose value the {@code await} call receives */
  Awaited awaited(AbstractInsnNode await) {
    AbstractInsnNode producer = producer(await);
    if (producer instanceof VarInsnNode load && load.getOpcode() == Opcodes.ALOAD) {
      LocalVariableNode v = variable(load.var, load);
      String name = v == null ? "slot " + load.var : v.name;
      return new Awaited(name, v == null ? null : v.name, v == null ? null : v.desc);
    }
    if (producer instanceof FieldInsnNode field) {
      String owner = producer.getOpcode() == Opcodes.GETSTATIC
          ? typeText("L" + field.owner + ";") + "."
          : "";
      return new Awaited(owner + field.name, field.name, field.desc);
    }
    if (producer instanceof MethodInsnNode call) {
      String owner = call.getOpcode() == Opcodes.INVOKESTATIC
          ? typeText("L" + call.owner + ";") + "."
          : "";
      String args = Type.getArgumentTypes(call.desc).length == 0 ? "()" : "(...)";
      if (call.name.equals("<init>")) {
        // A constructor reads as the source does ('new Forgetful()'), not as '<init>()'.
        return new Awaited("new " + typeText("L" + call.owner + ";") + args, null,
            "L" + call.owner + ";");
      }
      return new Awaited(
          owner + call.name + args, call.name, Type.getReturnType(call.desc).getDescriptor());
    }
    if (producer instanceof InvokeDynamicInsnNode) {
      return new Awaited("a lambda", null, null);
    }
    return new Awaited("...", null, null);
  }
}
