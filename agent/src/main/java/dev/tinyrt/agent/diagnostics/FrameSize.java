// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Estimates of sizes in HotSpot's usual 64-bit layout: a 12-byte object header (compressed class
 * pointers), 4-byte references (compressed oops), fields packed and the object rounded up to 8
 * bytes. An estimate of that layout, not a measurement: other flags or JVMs lay objects out
 * differently.
 */
public final class FrameSize {

  /** The object header's bytes with compressed class pointers. */
  static final int HEADER_BYTES = 12;

  /** Every object's size is a multiple of this. */
  static final int ALIGNMENT = 8;

  /** How {@code explain} says what its sizes are. */
  public static final String ESTIMATE_NOTE =
      "sizes estimate HotSpot's 64-bit layout: 12-byte object header, compressed oops (4-byte "
          + "references), 8-byte alignment";

  private FrameSize() {}

  /**
   * Returns the bytes a field of {@code descriptor} takes.
   *
   * @param descriptor a field descriptor, e.g. {@code J} or {@code Ljava/lang/Object;}
   * @return 1, 2, 4 or 8
   */
  public static int fieldBytes(String descriptor) {
    return switch (Type.getType(descriptor).getSort()) {
      case Type.BOOLEAN, Type.BYTE -> 1;
      case Type.CHAR, Type.SHORT -> 2;
      case Type.LONG, Type.DOUBLE -> 8;
      default -> 4; // int, float, and a compressed reference
    };
  }

  /**
   * Estimates the size of an instance of the class {@code classFile} (its own fields only: a frame
   * class extends {@code Object}).
   *
   * @param classFile a class file
   * @return the object's estimated size in bytes
   */
  public static int instanceBytes(byte[] classFile) {
    int[] fields = {0};
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public FieldVisitor visitField(
          int access, String name, String descriptor, String signature, Object value) {
        if ((access & Opcodes.ACC_STATIC) == 0) {
          fields[0] += fieldBytes(descriptor);
        }
        return null;
      }
    }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG);
    return align(HEADER_BYTES + fields[0]);
  }

  /** Rounds {@code bytes} up to the object alignment. */
  static int align(int bytes) {
    return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }
}
