// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Attribute;
import org.objectweb.asm.ByteVector;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;

/**
 * The mark of a class rewritten at build time ({@code instrument}): a class attribute named
 * {@value #NAME}, which the JVM and javac ignore (JVMS 4.7.1). {@link ClassRewriter} leaves a
 * marked class unchanged, so the agent never rewrites an instrumented class a second time. The
 * mark also keeps the refusals of the class's methods, so a later run over the rewritten class
 * reports them again instead of passing silently.
 */
public final class RewrittenMark {

  /**
   * The attribute's name. Its content: one byte, the mark's format version; then (version 2) a
   * two-byte count and that many modified-UTF-8 strings, the class's refusals.
   */
  public static final String NAME = "dev.tinyrt.Rewritten";

  /** The format version written in the attribute. */
  private static final byte VERSION = 2;

  /** The longest refusal kept, in chars: a modified-UTF-8 string holds at most 65,535 bytes. */
  private static final int MAX_REFUSAL_CHARS = 16_000;

  private RewrittenMark() {}

  /**
   * Returns {@code classFile} with the mark added; the rest of the class is copied unchanged.
   *
   * @param classFile a class file
   * @return the marked class file
   */
  public static byte[] mark(byte[] classFile) {
    return mark(classFile, List.of());
  }

  /**
   * Returns {@code classFile} with the mark added, keeping {@code refusals}; the rest of the class
   * is copied unchanged.
   *
   * @param classFile a class file
   * @param refusals the refusals of the class's methods, each naming the method and its location
   * @return the marked class file
   */
  public static byte[] mark(byte[] classFile, List<String> refusals) {
    ClassReader reader = new ClassReader(classFile);
    ClassWriter writer = new ClassWriter(reader, /* flags = */ 0);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public void visitEnd() {
            super.visitAttribute(new Mark(refusals));
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
    return read(classFile) != null;
  }

  /**
   * Returns the refusals kept in the mark of {@code classFile}: empty when it has none, or when it
   * is not marked, or was marked by a version that did not keep them.
   *
   * @param classFile a class file
   * @return the refusals recorded when it was rewritten
   */
  public static List<String> refusals(byte[] classFile) {
    Mark mark = read(classFile);
    return mark == null ? List.of() : mark.refusals;
  }

  /**
   * Returns the refusals kept in the mark of {@code classFile}, or null when it is not marked: one
   * read of the class file for both questions.
   *
   * @param classFile a class file
   * @return the refusals recorded when it was rewritten (maybe none), or null if it was not
   */
  public static List<String> refusalsIfMarked(byte[] classFile) {
    Mark mark = read(classFile);
    return mark == null ? null : mark.refusals;
  }

  /**
   * The attribute prototypes to read a class with ({@code ClassReader.accept(visitor, prototypes,
   * options)}) so that {@link #isMarked(ClassNode)} can tell whether it carries the mark.
   *
   * @return a new array holding the mark's prototype
   */
  static Attribute[] prototypes() {
    return new Attribute[] {new Mark(List.of())};
  }

  /**
   * Returns whether {@code node}, read with {@link #prototypes()}, carries the mark.
   *
   * @param node a class read with the mark's prototype
   * @return whether it was rewritten by {@code instrument}
   */
  static boolean isMarked(ClassNode node) {
    if (node.attrs != null) {
      for (Attribute attribute : node.attrs) {
        if (attribute instanceof Mark) {
          return true;
        }
      }
    }
    return false;
  }

  /** Returns the mark of {@code classFile}, or null when it carries none. */
  private static Mark read(byte[] classFile) {
    Mark[] found = {null};
    new ClassReader(classFile).accept(
        new ClassVisitor(Opcodes.ASM9) {
          @Override
          public void visitAttribute(Attribute attribute) {
            if (attribute instanceof Mark mark) {
              found[0] = mark;
            }
          }
        },
        prototypes(),
        ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return found[0];
  }

  /** The attribute as ASM writes and reads it. */
  private static final class Mark extends Attribute {
    /** The refusals the mark keeps (none for a version-1 mark). */
    final List<String> refusals;

    Mark(List<String> refusals) {
      super(NAME);
      this.refusals = List.copyOf(refusals);
    }

    @Override
    protected Attribute read(
        ClassReader reader, int offset, int length, char[] charBuffer, int codeOffset,
        Label[] labels) {
      List<String> kept = new ArrayList<>();
      if (length >= 3 && reader.readByte(offset) >= 2) {
        int count = reader.readUnsignedShort(offset + 1);
        int at = offset + 3;
        for (int i = 0; i < count; i++) {
          kept.add(readUtf(reader, at));
          at += 2 + reader.readUnsignedShort(at);
        }
      }
      return new Mark(kept);
    }

    @Override
    protected ByteVector write(
        ClassWriter classWriter, byte[] code, int codeLength, int maxStack, int maxLocals) {
      ByteVector out = new ByteVector().putByte(VERSION).putShort(refusals.size());
      for (String refusal : refusals) {
        out.putUTF8(refusal.length() > MAX_REFUSAL_CHARS
            ? refusal.substring(0, MAX_REFUSAL_CHARS) + "..."
            : refusal);
      }
      return out;
    }

    /** Reads the modified-UTF-8 string (two-byte length, then bytes) at {@code at}. */
    private static String readUtf(ClassReader reader, int at) {
      int length = reader.readUnsignedShort(at);
      byte[] bytes = new byte[2 + length];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) reader.readByte(at + i);
      }
      try {
        return new DataInputStream(new ByteArrayInputStream(bytes)).readUTF();
      } catch (IOException e) {
        throw new IllegalStateException(reader.getClassName().replace('/', '.') + ": a malformed"
            + " refusal in its " + NAME + " attribute (the class file was changed after tinyrt"
            + " rewrote it): compile the class again from its source and rewrite it again", e);
      }
    }
  }
}
