// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.WorkerPool;
import java.util.ArrayList;
import java.util.List;

/**
 * The tinyrt runtimes a scenario can run on, by name: {@code current-thread}, or the name of a
 * {@link WorkerPool} constant for a multi-threaded runtime over that pool. Every constant is a
 * contender without any change here, so a new pool is measured as soon as it exists.
 */
final class Runtimes {

  private Runtimes() {}

  /** The current-thread runtime's name. */
  static final String CURRENT_THREAD = "current-thread";

  /** Contender names of tinyrt runtimes start with this. */
  static final String PREFIX = "tinyrt-";

  /**
   * Returns every runtime kind, the current-thread one first, or those named in the
   * {@code tinyrt.runtimes} system property (comma-separated) when it is set.
   *
   * @param withCurrentThread whether to include the current-thread runtime
   * @return the kinds
   */
  static List<String> kinds(boolean withCurrentThread) {
    String chosen = System.getProperty("tinyrt.runtimes");
    List<String> kinds = new ArrayList<>();
    if (chosen != null && !chosen.isBlank()) {
      for (String k : chosen.split(",")) {
        if (withCurrentThread || !k.equals(CURRENT_THREAD)) {
          kinds.add(k.trim());
        }
      }
      return kinds;
    }
    if (withCurrentThread) {
      kinds.add(CURRENT_THREAD);
    }
    for (WorkerPool pool : WorkerPool.values()) {
      kinds.add(pool.name());
    }
    return kinds;
  }

  /**
   * Builds a runtime of the named kind.
   *
   * @param kind {@code current-thread} or a {@link WorkerPool} constant's name
   * @return a new runtime
   */
  static AsyncRuntime create(String kind) {
    if (kind.equals(CURRENT_THREAD)) {
      return AsyncRuntime.currentThread();
    }
    WorkerPool pool;
    try {
      pool = WorkerPool.valueOf(kind);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown runtime kind " + kind + ": use " + CURRENT_THREAD
          + " or one of " + List.of(WorkerPool.values()), e);
    }
    return AsyncRuntime.builder().workerPool(pool).build();
  }

  /** @return whether the contender is a tinyrt runtime, named {@code tinyrt-KIND} */
  static boolean isRuntime(String contender) {
    return contender.startsWith(PREFIX);
  }

  /** @return the kind of a {@code tinyrt-KIND} contender */
  static String kindOf(String contender) {
    return contender.substring(PREFIX.length());
  }
}
