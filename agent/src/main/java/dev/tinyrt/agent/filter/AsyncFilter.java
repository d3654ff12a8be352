// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.filter;

import java.nio.charset.StandardCharsets;

/**
 * The cheap first step: does a class file mention {@code dev/tinyrt/Async} at all? Reads the
 * constant pool only, allocates nothing, and never throws: a class file it cannot read is left to
 * the JVM, which reports its own error.
 */
public final class AsyncFilter {

  /** The modified-UTF-8 bytes of {@code dev/tinyrt/Async}, the only name that matters. */
  private static final byte[] ASYNC = "dev/tinyrt/Async".getBytes(StandardCharsets.US_ASCII);

  /** Constant pool tags (JVMS 4.4). */
  private static final int UTF8 = 1;
  private static final int INTEGER = 3;
  private static final int FLOAT = 4;
  private static final int LONG = 5;
  private static final int DOUBLE = 6;
  private static final int CLASS = 7;
  private static final int STRING = 8;
  private static final int FIELDREF = 9;
  private static final int METHODREF = 10;
  private static final int INTERFACE_METHODREF = 11;
  private static final int NAME_AND_TYPE = 12;
  private static final int METHOD_HANDLE = 15;
  private static final int METHOD_TYPE = 16;
  private static final int DYNAMIC = 17;
  private static final int INVOKE_DYNAMIC = 18;
  private static final int MODULE = 19;
  private static final int PACKAGE = 20;

  private AsyncFilter() {}

  /**
   * Returns whether {@code classFile} has a UTF-8 constant equal to {@code dev/tinyrt/Async}.
   *
   * @param classFile the bytes of a class file, possibly malformed
   * @return {@code true} only for a well-formed constant pool holding the name
   */
  public static boolean mentionsAsync(byte[] classFile) {
    // Header: magic (4), minor (2), major (2), constant_pool_count (2).
    if (classFile == null || classFile.length < 10 || readInt(classFile, 0) != 0xCAFEBABE) {
      return false;
    }
    int count = readUnsignedShort(classFile, 8);
    int offset = 10;
    // Entries 1 .. count-1; longs and doubles take two entries.
    for (int index = 1; index < count; index++) {
      if (offset >= classFile.length) {
        return false;
      }
      int tag = classFile[offset] & 0xFF;
      int size;
      switch (tag) {
        case UTF8:
          if (offset + 3 > classFile.length) {
            return false;
          }
          int length = readUnsignedShort(classFile, offset + 1);
          if (offset + 3 + length > classFile.length) {
            return false;
          }
          if (length == ASYNC.length && matches(classFile, offset + 3)) {
            return true;
          }
          size = 3 + length;
          break;
        case INTEGER, FLOAT, FIELDREF, METHODREF, INTERFACE_METHODREF, NAME_AND_TYPE, DYNAMIC,
            INVOKE_DYNAMIC:
          size = 5;
          break;
        case LONG, DOUBLE:
          size = 9;
          index++;
          break;
        case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE:
          size = 3;
          break;
        case METHOD_HANDLE:
          size = 4;
          break;
        default:
          return false;
      }
      offset += size;
    }
    return false;
  }

  private static boolean matches(byte[] b, int offset) {
    for (int i = 0; i < ASYNC.length; i++) {
      if (b[offset + i] != ASYNC[i]) {
        return false;
      }
    }
    return true;
  }

  private static int readUnsignedShort(byte[] b, int offset) {
    return ((b[offset] & 0xFF) << 8) | (b[offset + 1] & 0xFF);
  }

  private static int readInt(byte[] b, int offset) {
    return (readUnsignedShort(b, offset) << 16) | readUnsignedShort(b, offset + 2);
  }
}
