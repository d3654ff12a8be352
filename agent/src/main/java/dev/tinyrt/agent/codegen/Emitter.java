// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import java.util.function.Consumer;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.MethodNode;

/**
 * ASM's own emitters ({@link GeneratorAdapter}: {@code push}, {@code throwException}, {@code
 * newInstance}, ...) writing into an {@link InsnList}, so the rewriter, which edits methods as
 * trees, does not keep copies of them. Only for code that names no local slot: a
 * GeneratorAdapter renumbers the locals it is given.
 */
final class Emitter {

  private Emitter() {}

  /**
   * Returns what {@code body} emits through a {@link GeneratorAdapter}.
   *
   * @param body the emitting code
   * @return its instructions
   */
  static InsnList emit(Consumer<GeneratorAdapter> body) {
    MethodNode sink = new MethodNode(Opcodes.ASM9);
    body.accept(new GeneratorAdapter(sink, Opcodes.ACC_STATIC, "emitted", "()V"));
    return sink.instructions;
  }

  /** @return the shortest instruction pushing {@code value} ({@code iconst}, {@code bipush}, ...) */
  static InsnList push(int value) {
    return emit(g -> g.push(value));
  }

  /** @return {@code throw new IllegalStateException(message);} */
  static InsnList throwIllegalState(String message) {
    return emit(g -> g.throwException(Type.getObjectType("java/lang/IllegalStateException"), message));
  }
}
