// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import dev.tinyrt.agent.RuntimeNames;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

/**
 * Writes the class file of a frame: a {@code Future} whose fields hold what an async method keeps
 * while it waits, and whose {@code poll} calls the method's state machine in the host class.
 *
 * <pre>{@code
 * final class Shop$cartTotal-Frame implements Future, ForwardsCancellation {
 *   int state; long J0; Object L0; ...   // L0, L1...: kept references and the awaited future
 *   static final String AWAIT_POINTS = "Shop.cartTotal\nShop.java:11\t\t\n...";  // AwaitPointTable
 *   Frame() { NeverPolled.created(this); }             // only if rewritten with neverPolled
 *   public Poll poll(Context cx) {
 *     NeverPolled.polling(this, state);                 // only if rewritten with neverPolled
 *     return Shop.cartTotal(this, cx);                  // body(Future, Context)
 *   }
 * }
 * }</pre>
 *
 * <p>The {@code NeverPolled} calls are emitted only when the rewrite runs with the JVM property
 * {@code tinyrt.neverPolled=true} (as {@code trace} events only with the agent's {@code trace}
 * option): otherwise the frame has neither call, not even an empty one. Classes instrumented at
 * build time ({@code instrument}, the Maven plugin) get them only if the build ran with the
 * property too.
 */
final class FrameClassGenerator {

  /** {@code <init>()}. */
  private static final Method CONSTRUCTOR = new Method("<init>", "()V");

  /** {@code java.lang.Object}. */
  private static final Type OBJECT = Type.getObjectType("java/lang/Object");

  /** {@code java.lang.String}. */
  private static final Type STRING = Type.getObjectType("java/lang/String");

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
   * @param awaitPoints the text of the await-point table ({@link AwaitPointTable})
   * @param neverPolled whether the constructor and poll call {@code NeverPolled}
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
      String description,
      String awaitPoints,
      boolean neverPolled) {
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

    // The await-point table, a constant: no instance field, no class initializer.
    cw.visitField(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC,
        RuntimeNames.AWAIT_POINTS, STRING.getDescriptor(), null, awaitPoints).visitEnd();

    // code: Frame() { super(); NeverPolled.created(this); }   (the call only with neverPolled)
    GeneratorAdapter init = new GeneratorAdapter(0, CONSTRUCTOR, null, null, cw);
    init.visitCode();
    init.loadThis();
    init.invokeConstructor(OBJECT, CONSTRUCTOR);
    if (neverPolled) {
      init.loadThis(); // stack: frame
      init.visitMethodInsn(Opcodes.INVOKESTATIC, RuntimeNames.NEVER_POLLED, "created",
          RuntimeNames.NEVER_POLLED_CREATED_DESC, false);
    }
    init.returnValue();
    init.endMethod();

    // code: public Poll poll(Context cx) { NeverPolled.polling(this, state); return Host.body(this, cx); }
    // (the NeverPolled call only with neverPolled)
    GeneratorAdapter poll = new GeneratorAdapter(
        Opcodes.ACC_PUBLIC, new Method("poll", RuntimeNames.POLL_DESC), null, null, cw);
    poll.visitCode();
    if (firstLine >= 0) {
      poll.visitLineNumber(firstLine, poll.mark());
    }
    if (neverPolled) {
      poll.loadThis(); // stack: frame
      poll.loadThis(); // stack: frame frame
      // stack: frame state
      poll.getField(Type.getObjectType(frame), FrameLayout.STATE, Type.INT_TYPE);
      poll.visitMethodInsn(Opcodes.INVOKESTATIC, RuntimeNames.NEVER_POLLED, "polling",
          RuntimeNames.NEVER_POLLED_POLLING_DESC, false);
    }
    poll.loadThis(); // stack: frame
    poll.loadArg(0); // stack: frame cx
    for (int i = 0; i < extraInts; i++) {
      poll.push(0); // stack: frame cx 0 ...
    }
    poll.visitMethodInsn(Opcodes.INVOKESTATIC, host, bodyName, bodyDesc, hostIsInterface);
    poll.returnValue(); // stack: poll
    poll.endMethod();

    // code: public String toString() { return "Shop.cartTotal frame, state ".concat(String.valueOf(state)); }
    GeneratorAdapter toString = new GeneratorAdapter(
        Opcodes.ACC_PUBLIC, Method.getMethod("String toString()"), null, null, cw);
    toString.visitCode();
    toString.push(description + ", state ");
    toString.loadThis();
    toString.getField(Type.getObjectType(frame), FrameLayout.STATE, Type.INT_TYPE);
    toString.invokeStatic(STRING, Method.getMethod("String valueOf(int)"));
    toString.invokeVirtual(STRING, Method.getMethod("String concat(String)"));
    toString.returnValue();
    toString.endMethod();

    cw.visitEnd();
    return cw.toByteArray();
  }
}
