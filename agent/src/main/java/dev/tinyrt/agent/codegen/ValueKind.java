// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.codegen;

import org.objectweb.asm.Opcodes;

/**
 * The five kinds of frame field, as Kotlin names them: a value is stored in a field of its kind,
 * {@code I0}, {@code J0}, {@code F0}, {@code D0} or {@code L0}, never boxed.
 */
enum ValueKind {
  /** {@code int}, and {@code boolean}, {@code byte}, {@code char}, {@code short}. */
  INT("I", "I", Opcodes.ILOAD, Opcodes.ISTORE, Opcodes.ICONST_0, "int"),
  /** {@code long}: two slots. */
  LONG("J", "J", Opcodes.LLOAD, Opcodes.LSTORE, Opcodes.LCONST_0, "long"),
  /** {@code float}. */
  FLOAT("F", "F", Opcodes.FLOAD, Opcodes.FSTORE, Opcodes.FCONST_0, "float"),
  /** {@code double}: two slots. */
  DOUBLE("D", "D", Opcodes.DLOAD, Opcodes.DSTORE, Opcodes.DCONST_0, "double"),
  /** Any reference, held as {@code Object} and cast back on restore. */
  REFERENCE("L", "Ljava/lang/Object;", Opcodes.ALOAD, Opcodes.ASTORE, Opcodes.ACONST_NULL, null);

  /** The prefix of this kind's field names. */
  final String prefix;

  /** The descriptor of this kind's fields. */
  final String descriptor;

  /** The opcode that loads a local of this kind. */
  final int loadOpcode;

  /** The opcode that stores a local of this kind. */
  final int storeOpcode;

  /** The opcode that pushes this kind's default value. */
  final int defaultOpcode;

  /** The Java name of a primitive kind, for trace messages; null for references. */
  final String javaName;

  ValueKind(String prefix, String descriptor, int load, int store, int dflt, String javaName) {
    this.prefix = prefix;
    this.descriptor = descriptor;
    this.loadOpcode = load;
    this.storeOpcode = store;
    this.defaultOpcode = dflt;
    this.javaName = javaName;
  }

  /** @return whether a value of this kind takes two slots */
  boolean isTwoSlot() {
    return this == LONG || this == DOUBLE;
  }

  /**
   * Returns the kind of a verifier type ({@code StackMapTypes} encoding), or null for {@code TOP}.
   * {@code NULL} is a reference.
   */
  static ValueKind of(Object type) {
    if (type == Opcodes.INTEGER) {
      return INT;
    }
    if (type == Opcodes.LONG) {
      return LONG;
    }
    if (type == Opcodes.FLOAT) {
      return FLOAT;
    }
    if (type == Opcodes.DOUBLE) {
      return DOUBLE;
    }
    if (type == Opcodes.TOP) {
      return null;
    }
    return REFERENCE;
  }
}
