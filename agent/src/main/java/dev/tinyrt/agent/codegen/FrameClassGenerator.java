// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import dev.tinyrt.agent.RuntimeNames;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Writes the class file of a frame: a {@code Future} whose fields hold what an async method keeps
 * while it waits, and whose {@code poll} calls the method's state machine in the host class.
 *
 * <pre>{@code
 * final class Shop$cartTotal-Frame implements Future, ForwardsCancellation {
 *   int state; long J0; Object L0; ...   // L0, L1...: kept references and the awaited future
 *   public Poll poll(Context cx) { return Shop.cartTotal(this, cx); }  // body(Future, Context)
 * }
 * }</pre>
 */
final class FrameClassGenerator {

  private FrameClassGenerator() {}

  /**
   * Generates the frame class.
   *
   * @param frame the frame's internal name
   * @param host the host class's internal name
   * @param hostIsInterface whether the host is an interface
   * @param version the class file version to write (the host's)
   * @param sourceFile the host's source file, or null
   * @param firstLine the async method's first line, or -1
   * @param bodyName the name of the state-machine method in the host
   * @param bodyDesc its descriptor
   * @param extraInts how many unused {@code int} arguments the body takes after the context
   * @param layout the typed fields
   * @param description what {@code toString} says, e.g. {@code Shop.cartTotal frame}
   * @return the class file
   */
  static byte[] generate(
      String frame,
      String host,
      boolean hostIsInterface,
      int version,
      String sourceFile,
      int firstLine,
      String bodyName,
      String bodyDesc,
      int extraInts,
      FrameLayout layout,
      String description) {
    ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    cw.visit(
        version,
        Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
        frame,
        /* signature = */ null,
        "java/lang/Object",
        new String[] {RuntimeNames.FUTURE, RuntimeNames.FORWARDS_CANCELLATION});
    if (sourceFile != null) {
      cw.visitSource(sourceFile, /* debug = */ null);
    }

    // Fields: the state, then the typed slots (the awaited future is in a reference slot).
    cw.visitField(0, FrameLayout.STATE, "I", null, null).visitEnd();
    for (ValueKind kind : ValueKind.values()) {
      for (int i = 0; i < layout.count(kind); i++) {
        cw.visitField(0, kind.prefix + i, kind.descriptor, null, null).visitEnd();
      }
    }
    layout.hoisted().forEach((name, kind) -> cw.visitField(0, name, kind.descriptor, null, null).visitEnd());

    // code: Frame() { super(); }
    MethodVisitor init = cw.visitMethod(0, "<init>", "()V", null, null);
    init.visitCode();
    init.visitVarInsn(Opcodes.ALOAD, 0);
    init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    init.visitInsn(Opcodes.RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();

    // code: public Poll poll(Context cx) { return Host.body(this, cx); }
    MethodVisitor poll =
        cw.visitMethod(Opcodes.ACC_PUBLIC, "poll", RuntimeNames.POLL_DESC, null, null);
    poll.visitCode();
    if (firstLine >= 0) {
      Label start = new Label();
      poll.visitLabel(start);
      poll.visitLineNumber(firstLine, start);
    }
    poll.visitVarInsn(Opcodes.ALOAD, 0); // stack: frame
    poll.visitVarInsn(Opcodes.ALOAD, 1); // stack: frame cx
    for (int i = 0; i < extraInts; i++) {
      poll.visitInsn(Opcodes.ICONST_0); // stack: frame cx 0 ...
    }
    poll.visitMethodInsn(Opcodes.INVOKESTATIC, host, bodyName, bodyDesc, hostIsInterface);
    poll.visitInsn(Opcodes.ARETURN); // stack: poll
    poll.visitMaxs(0, 0);
    poll.visitEnd();

    // code: public String toString() { return "Shop.cartTotal frame, state ".concat(String.valueOf(state)); }
    MethodVisitor toString =
        cw.visitMethod(Opcodes.ACC_PUBLIC, "toString", "()Ljava/lang/String;", null, null);
    toString.visitCode();
    toString.visitLdcInsn(description + ", state ");
    toString.visitVarInsn(Opcodes.ALOAD, 0);
    toString.visitFieldInsn(Opcodes.GETFIELD, frame, FrameLayout.STATE, "I");
    toString.visitMethodInsn(
        Opcodes.INVOKESTATIC, "java/lang/String", "valueOf", "(I)Ljava/lang/String;", false);
    toString.visitMethodInsn(
        Opcodes.INVOKEVIRTUAL,
        "java/lang/String",
        "concat",
        "(Ljava/lang/String;)Ljava/lang/String;",
        false);
    toString.visitInsn(Opcodes.ARETURN);
    toString.visitMaxs(0, 0);
    toString.visitEnd();

    cw.visitEnd();
    return cw.toByteArray();
  }
}
