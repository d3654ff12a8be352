// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import dev.tinyrt.agent.analysis.AsyncMethods;
import dev.tinyrt.agent.analysis.StackMapTypes;
import dev.tinyrt.agent.analysis.RewriteRefusedException;
import dev.tinyrt.agent.analysis.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Moves {@code NEW T; DUP} after the constructor's arguments when an argument awaits, as Quasar
 * and Kotlin do: {@code new Point(await(x), await(y))} leaves an uninitialized object on the stack
 * at each await, which no field can hold. After the move the arguments are computed first, kept in
 * fresh locals, and the object is allocated and constructed at once.
 *
 * <pre>
 * before: NEW T; DUP; args...;                       INVOKESPECIAL T.&lt;init&gt;
 * after:  args...; STORE tmpN..tmp1; NEW T; DUP; LOAD tmp1..tmpN; INVOKESPECIAL T.&lt;init&gt;
 * </pre>
 *
 * <p>The one visible difference: class {@code T} is initialized after the arguments are
 * evaluated rather than before.
 */
final class ConstructorHoisting {

  private ConstructorHoisting() {}

  /**
   * Hoists every {@code NEW} whose constructor arguments contain an await.
   *
   * @param owner the declaring class
   * @param method an async method; changed in place
   * @throws RewriteRefusedException if such a {@code NEW} is not followed by {@code DUP}
   */
  static void apply(ClassNode owner, MethodNode method) throws RewriteRefusedException {
    InsnList insns = method.instructions;
    StackMapTypes types = StackMapTypes.of(owner.name, method);

    // Find each (NEW, INVOKESPECIAL <init>) pair with an await between them.
    List<TypeInsnNode> news = new ArrayList<>();
    List<MethodInsnNode> inits = new ArrayList<>();
    int index = 0;
    for (AbstractInsnNode insn = insns.getFirst(); insn != null; insn = insn.getNext(), index++) {
      if (!(insn instanceof MethodInsnNode call)
          || call.getOpcode() != Opcodes.INVOKESPECIAL
          || !call.name.equals("<init>")
          || types.stackBefore(index) == null) {
        continue;
      }
      List<Object> stack = types.stackBefore(index);
      int argumentSlots = (Type.getArgumentsAndReturnSizes(call.desc) >> 2) - 1;
      Object receiver = stack.get(stack.size() - argumentSlots - 1);
      if (!(receiver instanceof Label label)) {
        continue; // this() or super(), or an already initialized receiver
      }
      TypeInsnNode allocation = types.newInsnOf(label);
      if (allocation != null && awaitBetween(allocation, call)) {
        news.add(allocation);
        inits.add(call);
      }
    }

    // Rewrite each pair. Pairs are independent: each moves only its own NEW and DUP.
    for (int i = 0; i < news.size(); i++) {
      hoist(owner, method, news.get(i), inits.get(i));
    }
  }

  private static boolean awaitBetween(AbstractInsnNode from, AbstractInsnNode to) {
    for (AbstractInsnNode n = from.getNext(); n != null && n != to; n = n.getNext()) {
      if (AsyncMethods.isAwait(n)) {
        return true;
      }
    }
    return false;
  }

  private static void hoist(
      ClassNode owner, MethodNode method, TypeInsnNode allocation, MethodInsnNode init)
      throws RewriteRefusedException {
    InsnList insns = method.instructions;
    AbstractInsnNode dup = nextInstruction(allocation);
    if (dup == null || dup.getOpcode() != Opcodes.DUP) {
      throw new RewriteRefusedException(
          "tinyrt cannot rewrite " + SourceLocation.of(owner, method, allocation)
              + ": 'new " + allocation.desc.replace('/', '.') + "(...)' awaits in its arguments "
              + "but is not compiled as NEW, DUP (javac's shape). Assign the awaited value to a "
              + "local variable first, then construct the object.");
    }

    // Stack maps between the two no longer hold the uninitialized object.
    for (AbstractInsnNode n = allocation.getNext(); n != init; n = n.getNext()) {
      if (n instanceof FrameNode stackMap && stackMap.stack != null) {
        stackMap.stack.removeIf(t -> t instanceof LabelNode l && nextInstruction(l) == allocation);
      }
    }
    insns.remove(allocation);
    insns.remove(dup);

    // code: tmpN = argN; ...; tmp1 = arg1; new T(tmp1, ..., tmpN)
    Type[] arguments = Type.getArgumentTypes(init.desc);
    int[] temps = new int[arguments.length];
    for (int a = 0; a < arguments.length; a++) {
      temps[a] = method.maxLocals;
      method.maxLocals += arguments[a].getSize();
    }
    InsnList moved = new InsnList();
    for (int a = arguments.length - 1; a >= 0; a--) {
      moved.add(new VarInsnNode(arguments[a].getOpcode(Opcodes.ISTORE), temps[a]));
    }
    moved.add(new TypeInsnNode(Opcodes.NEW, allocation.desc));
    moved.add(new InsnNode(Opcodes.DUP));
    for (int a = 0; a < arguments.length; a++) {
      moved.add(new VarInsnNode(arguments[a].getOpcode(Opcodes.ILOAD), temps[a]));
    }
    insns.insertBefore(init, moved);
  }

  /** @return the first real instruction after {@code node}, skipping labels, lines and stack maps */
  private static AbstractInsnNode nextInstruction(AbstractInsnNode node) {
    AbstractInsnNode n = node.getNext();
    while (n != null && n.getOpcode() < 0) {
      n = n.getNext();
    }
    return n;
  }
}
