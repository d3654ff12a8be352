// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import java.util.concurrent.atomic.AtomicInteger;

/** A waker for tests that drive futures by hand: counts its wakes. */
public final class CountingWaker implements Waker {

  /** How many times {@link #wake()} was called. */
  private final AtomicInteger wakes = new AtomicInteger();

  @Override
  public void wake() {
    wakes.incrementAndGet();
  }

  /** @return how many times this waker was woken */
  public int count() {
    return wakes.get();
  }

  /** @return a context carrying this waker */
  public Context context() {
    return Context.from(this);
  }
}
