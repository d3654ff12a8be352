// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.LongSupplier;

/**
 * Per-task counts for the task dump ({@link TaskDump}): how often each live task was polled and
 * woken, and since when it is parked. Off unless the JVM starts with {@code
 * -Dtinyrt.taskStats=true}: {@link #ENABLED} is a static final flag, so when it is false each hook
 * in {@code Task} ({@code if (TaskStats.ENABLED) ...}) is a constant the JIT compiles away, and a
 * task carries no field for it.
 */
final class TaskStats {

  /** The system property that turns the counts on. */
  static final String PROPERTY = "tinyrt.taskStats";

  /** Whether the counts are kept; read once, when the class initializes. */
  static final boolean ENABLED = Boolean.getBoolean(PROPERTY);

  /** How many maps the counts are spread over: a power of two. */
  private static final int STRIPES = 32;

  /**
   * The counts of each task that was polled or woken, in the map its identity hash picks; weak, so
   * a finished task leaves. Each map is guarded by itself: tasks polled or woken on different
   * threads at once rarely meet on one lock (one global map was a lock every poll took).
   */
  private static final Map<Task<?>, Counts>[] COUNTS = stripes();

  /** Where the time comes from, in nanoseconds. */
  private static final LongSupplier CLOCK = System::nanoTime;

  /**
   * What was counted for one task. Guarded by itself.
   */
  static final class Counts {
    /** How many times the task was polled. */
    int polls;

    /** How many times it was woken, the wake of its spawn included. */
    int wakes;

    /** When its last poll returned pending ({@link #CLOCK}); -1 while it runs or before. */
    long parkedSince = -1;
  }

  /**
   * One task's counts, copied.
   *
   * @param polls how many times it was polled
   * @param wakes how many times it was woken
   * @param parkedNanos how long it has been parked, or -1 if it is not parked (never polled, or
   *     running)
   */
  record Snapshot(int polls, int wakes, long parkedNanos) {}

  private TaskStats() {}

  /** The task is about to be polled. */
  static void polled(Task<?> task) {
    Counts c = counts(task);
    synchronized (c) {
      c.polls++;
      c.parkedSince = -1;
    }
  }

  /** The task's poll returned pending. */
  static void parked(Task<?> task) {
    Counts c = counts(task);
    synchronized (c) {
      c.parkedSince = CLOCK.getAsLong();
    }
  }

  /** The task was woken. */
  static void woken(Task<?> task) {
    Counts c = counts(task);
    synchronized (c) {
      c.wakes++;
    }
  }

  /** @return the time now, as the counts read it; for {@link #of}, once per dump */
  static long now() {
    return CLOCK.getAsLong();
  }

  /**
   * @param task a task
   * @param now {@link #now()}, read once for the whole dump so that its parked times compare
   * @return the task's counts, or null when the counts are off
   */
  static Snapshot of(Task<?> task, long now) {
    if (!ENABLED) {
      return null;
    }
    Counts c = counts(task);
    synchronized (c) {
      return new Snapshot(c.polls, c.wakes, c.parkedSince < 0 ? -1 : now - c.parkedSince);
    }
  }

  private static Counts counts(Task<?> task) {
    Map<Task<?>, Counts> stripe = COUNTS[System.identityHashCode(task) & (STRIPES - 1)];
    synchronized (stripe) {
      return stripe.computeIfAbsent(task, t -> new Counts());
    }
  }

  @SuppressWarnings("unchecked") // an array of a generic type
  private static Map<Task<?>, Counts>[] stripes() {
    Map<Task<?>, Counts>[] maps = new Map[STRIPES];
    for (int i = 0; i < STRIPES; i++) {
      maps[i] = new WeakHashMap<>();
    }
    return maps;
  }
}
