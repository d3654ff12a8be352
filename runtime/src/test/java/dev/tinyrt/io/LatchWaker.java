// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Waker;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A counting waker for futures driven by hand whose wake comes from the I/O driver's thread: the
 * test waits for the wake on a semaphore (with a generous timeout, a cross-thread check), never by
 * sleeping.
 */
final class LatchWaker implements Waker {

  /** How many times {@link #wake()} was called. */
  private final AtomicInteger wakes = new AtomicInteger();

  /** One permit per wake. */
  private final Semaphore permits = new Semaphore(0);

  @Override
  public void wake() {
    wakes.incrementAndGet();
    permits.release();
  }

  /** @return how many times this waker was woken */
  int count() {
    return wakes.get();
  }

  /** Waits for the next wake not waited for yet; fails after 10 seconds. */
  void awaitWake() throws InterruptedException {
    assertTrue(permits.tryAcquire(10, TimeUnit.SECONDS), "no wake within 10 s");
  }

  /** @return a context carrying this waker */
  Context context() {
    return Context.from(this);
  }
}
