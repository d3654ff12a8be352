// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

/**
 * Thrown inside a cancelled task, at the await where it was parked, so that its {@code finally}
 * blocks and try-with-resources run as the exception travels out (Kotlin's model); and thrown by
 * awaiting the {@code JoinHandle} of a cancelled task.
 */
public class CancelledException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was cancelled and why
   */
  public CancelledException(String message) {
    super(message);
  }

  /**
   * Creates the exception with the cancellation that caused it (the one that unwound the task,
   * seen by whoever awaits the task's handle).
   *
   * @param message what was cancelled and why
   * @param cause the cancellation inside the task
   */
  public CancelledException(String message, Throwable cause) {
    super(message, cause);
  }
}
