// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

/**
 * A future that holds something while pending (a place in a queue, permits, a timer entry) and
 * must give it back when whoever awaits it stops waiting: Rust's {@code Drop}. The runtime calls
 * {@link #drop()} when a cancelled task abandons the await, or a combinator abandons a loser.
 */
public interface Droppable {

  /**
   * Releases what this future holds: leaves every queue, heap and callback list it joined, gives
   * back whatever it was granted, and lets go of its waker. Called at most once, never
   * concurrently with {@code poll}, possibly on another thread than the last poll (with a
   * happens-before edge); the future is not polled afterwards. It may come before any poll (a
   * cancelled task abandons a leaf at its first await), and must then do nothing harmful: a leaf
   * takes nothing before its first poll. Must not throw: a throw is logged (a warning of the
   * {@code dev.tinyrt} logger, naming this future's class) and the cancellation goes on, so what
   * the throw skipped stays unreleased.
   */
  void drop();
}
