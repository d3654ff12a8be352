// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

/**
 * A future that holds something while pending (a place in a queue, permits, a timer entry) and
 * must give it back when whoever awaits it stops waiting: Rust's {@code Drop}. The runtime calls
 * {@link #drop()} when a cancelled task abandons the await, or a combinator abandons a loser.
 */
public interface Droppable {

  /** Releases what this pending future holds. Called at most once, never concurrently with poll. */
  void drop();
}
