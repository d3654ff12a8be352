// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

/**
 * A value that holds something of a primitive's (a semaphore's permits, a mutex's lock) until it
 * is closed. A combinator that receives one but will never hand it to anyone (a failed {@code
 * joinAll}, a select loser that finished while it unwound) closes it, so nothing is kept forever.
 */
public interface Grant extends AutoCloseable {

  /** Gives back what this value holds; a second call does nothing. */
  @Override
  void close();
}
