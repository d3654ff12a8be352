// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import java.lang.invoke.MethodHandles;

/**
 * Defines a generated frame class beside its host. The agent prepends a call to {@link #define}
 * to the host's static initializer, passing the host's own lookup and the frame class's bytes, so
 * the frame class exists, in the host's loader and package, before any method of the host runs.
 */
public final class FrameDefiner {

  private FrameDefiner() {}

  /**
   * Defines the class whose bytes are {@code encoded}, one {@code char} per byte (0 to 255).
   *
   * @param host the host class's full-privilege lookup
   * @param encoded the class file, one char per byte
   */
  public static void define(MethodHandles.Lookup host, String encoded) {
    byte[] bytes = new byte[encoded.length()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) encoded.charAt(i);
    }
    try {
      host.defineClass(bytes);
    } catch (LinkageError e) {
      throw new IllegalStateException(
          "tinyrt could not define a frame class for " + host.lookupClass().getName() + ": " + e,
          e);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(
          "tinyrt could not define a frame class for " + host.lookupClass().getName()
              + ": the host's lookup lacks package access (" + e.getMessage() + ")",
          e);
    }
  }
}
