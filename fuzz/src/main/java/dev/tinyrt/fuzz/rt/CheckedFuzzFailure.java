// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

/** The checked exception a program's {@code (throw-checked)} throws: expected, not a bug. */
public final class CheckedFuzzFailure extends Exception {

  private static final long serialVersionUID = 1L;

  /** Creates it; no stack trace, programs throw many. */
  public CheckedFuzzFailure() {
    super("thrown by the program (checked)", null, false, false);
  }
}
