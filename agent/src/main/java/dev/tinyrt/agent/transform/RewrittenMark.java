// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import org.objectweb.asm.Attribute;
import org.objectweb.asm.ByteVector;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * The mark of a class rewritten at build time ({@code instrument}): a class attribute named
 * {@value #NAME}, which the JVM and javac ignore (JVMS 4.7.1). {@link ClassRewriter} leaves a
 * marked class unchanged, so the agent never rewrites an instrumented class a second time.
 */
public final class RewrittenMark {

  /** The attribute's name. Its content is one byte, the mark's format version. */
  public static final String NAME = "dev.tinyrt.Rewritten";

  /** The format version written in the attribute. */
  private static final byte VERSION = 1;

  private RewrittenMark() {}

  /**
   * Returns {@code classFile} with the mark added; the rest of the class is copied unchanged.
   *
   * @param classFile a class file
   * @return the marked class file
   */
  public static byte[] mark(byte[] classFile) {
    ClassReader reader = new ClassReader(classFile);
    ClassWriter writer = new ClassWriter(reader, /* flags = */ 0);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public void visitEnd() {
            super.visitAttribute(new Mark());
            super.visitEnd();
          }
        },
        /* parsingOptions = */ 0);
    return writer.toByteArray();
  }

  /**
   * Returns whether {@code classFile} carries the mark.
   *
   * @param classFile a class file
   * @return whether it was rewritten by {@code instrument}
   */
  public static boolean isMarked(byte[] classFile) {
    boolean[] marked = {false};
    new ClassReader(classFile).accept(
        new ClassVisitor(Opcodes.ASM9) {
          @Override
          public void visitAttribute(Attribute attribute) {
            marked[0] |= NAME.equals(attribute.type);
          }
        },
        ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return marked[0];
  }

  /** The attribute as ASM writes it. */
  private static final class Mark extends Attribute {
    Mark() {
      super(NAME);
    }

    @Override
    protected ByteVector write(
        ClassWriter classWriter, byte[] code, int codeLength, int maxStack, int maxLocals) {
      return new ByteVector(1).putByte(VERSION);
    }
  }
}
