// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.AnalyzerAdapter;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * The types of the locals and the operand stack before every instruction of a method, read the way
 * the JVM's type-checking verifier reads them: one pass in code order, taking the class file's own
 * stack map frames at every jump target. No class is loaded and no merge is computed, so the
 * method must come from a class file with stack map frames read with {@code EXPAND_FRAMES}.
 *
 * <p>Types use {@link AnalyzerAdapter}'s encoding: {@link Opcodes#INTEGER} and the other primitive
 * constants, an internal name (or array descriptor) for a reference, {@link Opcodes#NULL}, and a
 * {@link Label} for an object created by {@code NEW} and not yet initialized. A {@code long} or
 * {@code double} takes two entries, the second {@link Opcodes#TOP}.
 */
public final class StackMapTypes {

  /** Locals before each instruction (by index in the method's list); null where unreachable. */
  private final List<Object>[] locals;

  /** Operand stack before each instruction, bottom first; null where unreachable. */
  private final List<Object>[] stacks;

  /** For each uninitialized-object label the adapter made, the {@code NEW} that made it. */
  private final Map<Label, TypeInsnNode> newInsns;

  private StackMapTypes(List<Object>[] locals, List<Object>[] stacks, Map<Label, TypeInsnNode> news) {
    this.locals = locals;
    this.stacks = stacks;
    this.newInsns = news;
  }

  /**
   * Computes the types before every instruction of {@code method}.
   *
   * @param owner the internal name of the class declaring the method
   * @param method the method, read with expanded stack map frames
   * @return the types
   */
  @SuppressWarnings("unchecked")
  public static StackMapTypes of(String owner, MethodNode method) {
    int size = method.instructions.size();
    List<Object>[] locals = new List[size];
    List<Object>[] stacks = new List[size];
    Map<Label, TypeInsnNode> news = new IdentityHashMap<>();
    AnalyzerAdapter adapter =
        new AnalyzerAdapter(owner, method.access, method.name, method.desc, /* methodVisitor = */ null);
    int index = 0;
    for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
      if (adapter.locals != null) {
        locals[index] = new ArrayList<>(adapter.locals);
        stacks[index] = new ArrayList<>(adapter.stack);
      }
      insn.accept(adapter);
      // The adapter names an uninitialized object by a label of its own; remember which NEW it is.
      if (insn.getOpcode() == Opcodes.NEW && adapter.stack != null) {
        Object top = adapter.stack.get(adapter.stack.size() - 1);
        if (top instanceof Label label) {
          news.put(label, (TypeInsnNode) insn);
        }
      }
      index++;
    }
    return new StackMapTypes(locals, stacks, news);
  }

  /** @return the locals before instruction {@code index}, or null if it is unreachable */
  public List<Object> localsBefore(int index) {
    return locals[index];
  }

  /** @return the operand stack before instruction {@code index}, bottom first, or null */
  public List<Object> stackBefore(int index) {
    return stacks[index];
  }

  /** @return the {@code NEW} instruction that created the uninitialized value {@code label} */
  public TypeInsnNode newInsnOf(Label label) {
    return newInsns.get(label);
  }

  /** @return whether {@code type} takes two slots ({@code long} or {@code double}) */
  public static boolean isTwoSlot(Object type) {
    return type == Opcodes.LONG || type == Opcodes.DOUBLE;
  }

  /**
   * Converts a list in this encoding to the encoding of stack map frames, where a {@code long} or
   * {@code double} is one entry, and drops trailing {@code TOP}s.
   *
   * @param types types in this class's encoding
   * @return types as a {@code FrameNode} wants them
   */
  public static List<Object> toStackMapEncoding(List<Object> types) {
    List<Object> out = new ArrayList<>(types.size());
    for (int i = 0; i < types.size(); i++) {
      Object t = types.get(i);
      out.add(t);
      if (isTwoSlot(t)) {
        i++; // skip the TOP half
      }
    }
    while (!out.isEmpty() && out.get(out.size() - 1) == Opcodes.TOP) {
      out.remove(out.size() - 1);
    }
    return out;
  }
}
