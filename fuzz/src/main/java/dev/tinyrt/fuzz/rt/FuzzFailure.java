// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

/** The unchecked exception a program's {@code (throw)} throws: an expected failure, not a bug. */
public final class FuzzFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates it; no stack trace, programs throw many. */
  public FuzzFailure() {
    super("thrown by the program", null, false, false);
  }
}
