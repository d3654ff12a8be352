// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.Waker;

/**
 * A future that many awaiters may wait for at once (a {@code JoinHandle}): abandoning it must not
 * drop it for the others, only forget the waker the abandoner registered.
 */
public interface ForgetsWaker {

  /**
   * Forgets {@code waker}, registered by an earlier pending poll, if it is still registered.
   *
   * @param waker the abandoner's waker
   */
  void forget(Waker waker);
}
