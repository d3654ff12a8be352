// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.Collection;

/**
 * What the garbage collector can take back, for leak tests: whether weak references were cleared,
 * and the heap in use after a collection. It asks for collections; it never sleeps.
 */
public final class Gc {

  /** How many full collections to ask for before deciding something is still reachable. */
  private static final int ATTEMPTS = 10;

  private Gc() {}

  /**
   * Asks for collections until every reference is cleared, a bounded number of times.
   *
   * @param refs weak references to what must no longer be reachable
   * @return how many of them are still not cleared
   */
  public static long uncleared(Collection<? extends Reference<?>> refs) {
    long left = refs.size();
    for (int i = 0; i < ATTEMPTS && left > 0; i++) {
      System.gc();
      left = refs.stream().filter(r -> !r.refersTo(null)).count();
    }
    return left;
  }

  /** @return the heap bytes in use after a few full collections (the smallest reading) */
  public static long usedHeapAfterGc() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least,
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }
}
