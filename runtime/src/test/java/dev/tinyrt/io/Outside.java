// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A test's helper thread: what the test does from outside a runtime's thread. Whatever it throws
 * (an assertion included) is kept and rethrown by {@link #join()} on the test's thread, so a
 * failure in it fails the test instead of vanishing with the thread. {@link #whenSelecting} starts
 * its action once the runtime's thread announced a blocking select, waiting on a latch that the
 * selecting thread counts down ({@link IoDriver#selectingHook}), not spinning.
 */
final class Outside {

  /** What the helper thread runs. */
  @FunctionalInterface
  interface Action {
    /** @throws Exception anything: kept and rethrown by {@link #join()} */
    void run() throws Exception;
  }

  /** How long a helper waits for the runtime to select, and a join for the helper. */
  private static final long TIMEOUT_SECONDS = 30;

  /** The helper thread. */
  private final Thread thread;

  /** What the action threw, or null. */
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private Outside(String name, Action action) {
    thread = new Thread(() -> {
      try {
        action.run();
      } catch (Throwable t) {
        failure.set(t);
      }
    }, name);
    thread.start();
  }

  /**
   * Starts a helper thread that runs {@code action}.
   *
   * @param name the thread's name, for the failure message
   * @param action what it runs
   * @return the helper, to {@link #join()}
   */
  static Outside start(String name, Action action) {
    return new Outside(name, action);
  }

  /**
   * Starts a helper thread that waits until {@code io}'s selecting thread announced a blocking
   * select, then runs {@code action}: what a test does from outside while the runtime selects.
   *
   * @param io the driver whose selecting thread is waited for
   * @param action what to do then
   * @return the helper, to {@link #join()}
   */
  static Outside whenSelecting(IoDriver io, Action action) {
    CountDownLatch selecting = new CountDownLatch(1);
    io.selectingHook = selecting::countDown;
    // Ordering: the hook is written (volatile) before this read of the state, and the selecting
    // thread moves the state to SELECTING before it reads the hook: if it announced its select
    // before the hook was there, this read sees SELECTING.
    if (io.selecting()) {
      selecting.countDown();
    }
    return start("outside", () -> {
      if (!selecting.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("the runtime's thread never selected within "
            + TIMEOUT_SECONDS + " s");
      }
      action.run();
    });
  }

  /**
   * Waits for the helper thread to end and rethrows what it threw, wrapped in an {@link
   * AssertionError} that names the thread.
   *
   * @throws InterruptedException if the test's thread was interrupted
   */
  void join() throws InterruptedException {
    thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS * 2));
    if (thread.isAlive()) {
      throw new AssertionError("the helper thread " + thread.getName() + " did not end within "
          + TIMEOUT_SECONDS * 2 + " s");
    }
    Throwable t = failure.get();
    if (t != null) {
      throw new AssertionError("the helper thread " + thread.getName() + " failed: " + t, t);
    }
  }
}
