// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

/**
 * Thrown by a broadcast receiver that fell so far behind that values it had not received were
 * overwritten. It moves on to the oldest value still held; the next receive gets it.
 */
public final class LaggedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** How many values this receiver missed. */
  private final long skipped;

  /**
   * Creates the exception.
   *
   * @param skipped how many values were missed
   */
  public LaggedException(long skipped) {
    super("the broadcast receiver lagged behind and missed " + skipped + " values; it goes on "
        + "with the oldest value still held (raise the capacity, or receive faster)");
    this.skipped = skipped;
  }

  /** @return how many values were missed */
  public long skipped() {
    return skipped;
  }
}
