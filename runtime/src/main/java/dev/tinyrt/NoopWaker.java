// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

/** The waker that does nothing ({@link Waker#noop()}). */
enum NoopWaker implements Waker {
  /** The one instance. */
  INSTANCE;

  @Override
  public void wake() {}
}
