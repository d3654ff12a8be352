// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which workers of a {@link WorkStealingScheduler} are awake, searching or asleep: tokio's {@code
 * Idle}. New work unparks at most one sleeper, and only when no worker is awake to find it.
 *
 * <p>One word counts the awake workers (low 16 bits) and, among them, the searching ones (high
 * bits): a searching worker has no task and is looking in the other queues. The protocol that
 * loses no wake-up:
 *
 * <ul>
 *   <li>Whoever queues work then reads the word ({@link #workerToNotify}, after a full fence): if a
 *       worker is searching, or every worker is awake, it wakes nobody; otherwise it wakes one
 *       sleeper, which comes back counted as searching.
 *   <li>A worker going to sleep ({@link #sleep}) takes itself out of the word; if that left no
 *       worker searching, it looks at every queue once more and, if it finds work, takes back its
 *       sleep ({@link #cancelSleep}) instead of parking. Between them, a queuer that saw a
 *       searcher and the searcher that left last, one of them sees the work.
 *   <li>A searcher that finds work and was the last one searching wakes another worker if there
 *       is more work (tokio's rule), so that work spreads while one worker runs.
 * </ul>
 *
 * <p>The sleepers' list is guarded by this object's monitor, held for a few instructions: by a
 * worker falling asleep and by a queuer that found no worker awake to find its work.
 */
final class Idle {

  /** One awake worker in {@link #state}. */
  private static final int AWAKE_ONE = 1;

  /** One searching worker in {@link #state}. */
  private static final int SEARCHING_ONE = 1 << 16;

  /** Mask of the awake count in {@link #state}. */
  private static final int AWAKE_MASK = SEARCHING_ONE - 1;

  /** The largest number of workers the word can count. */
  static final int MAX_WORKERS = AWAKE_MASK;

  /** Awake workers (low bits) and searching ones (high bits). */
  private final AtomicInteger state;

  /** How many workers there are. */
  private final int workers;

  /** The sleepers' indexes, a stack of {@link #sleeperCount}. Guarded by this. */
  private final int[] sleepers;

  /** How many entries of {@link #sleepers} are used. Guarded by this. */
  private int sleeperCount;

  /** Per worker: set while it is in {@link #sleepers}; it parks until this is cleared. */
  private final boolean[] asleep;

  /** @param workers how many workers; all start awake, not searching */
  Idle(int workers) {
    if (workers < 1 || workers > MAX_WORKERS) {
      throw new IllegalArgumentException(
          "a work-stealing runtime takes 1 to " + MAX_WORKERS + " workers, not " + workers);
    }
    this.workers = workers;
    this.state = new AtomicInteger(workers * AWAKE_ONE);
    this.sleepers = new int[workers];
    this.asleep = new boolean[workers];
  }

  /**
   * Counts a worker with nothing to run as searching, unless half of the workers already search
   * (more would only contend on the same queues).
   *
   * @return whether it may search
   */
  boolean startSearching() {
    int s = state.get();
    while (true) {
      if (2 * (s >>> 16) >= workers) {
        return false;
      }
      // Ordering: a volatile RMW; queuers that read the word later see the searcher.
      int witness = state.compareAndExchange(s, s + SEARCHING_ONE);
      if (witness == s) {
        return true;
      }
      s = witness;
    }
  }

  /**
   * Uncounts a searching worker that found work.
   *
   * @return whether it was the last one searching (it then wakes another if there is more work)
   */
  boolean stopSearching() {
    return ((state.addAndGet(-SEARCHING_ONE) >>> 16) == 0);
  }

  /**
   * Returns which sleeper to unpark for work just queued, and counts it awake and searching; or -1
   * if a worker is searching or every worker is awake (one of them will find the work).
   *
   * @return a worker index to unpark, or -1
   */
  int workerToNotify() {
    int s = state.get();
    // A searcher will see the work; so will an awake worker when it next looks for work.
    if ((s >>> 16) != 0 || (s & AWAKE_MASK) == workers) {
      return -1;
    }
    synchronized (this) {
      s = state.get();
      if ((s >>> 16) != 0 || (s & AWAKE_MASK) == workers || sleeperCount == 0) {
        return -1;
      }
      int worker = sleepers[--sleeperCount];
      asleep[worker] = false;
      state.addAndGet(AWAKE_ONE + SEARCHING_ONE);
      return worker;
    }
  }

  /**
   * Puts {@code worker}, which found nothing to run, to sleep: it parks while {@link #isAsleep}.
   *
   * @param worker its index
   * @param searching whether it was counted as searching
   * @return whether it left no worker searching: it must then look at every queue once more, and
   *     {@link #cancelSleep} if it finds work
   */
  boolean sleep(int worker, boolean searching) {
    synchronized (this) {
      sleepers[sleeperCount++] = worker;
      asleep[worker] = true;
      // Ordering: a volatile RMW, before the caller's last look at the queues.
      int s = state.addAndGet(-(AWAKE_ONE + (searching ? SEARCHING_ONE : 0)));
      return (s >>> 16) == 0;
    }
  }

  /**
   * Takes {@code worker} back out of the sleepers, after its last look found work. Either way it
   * is then awake and counted as searching: by this call, or by the queuer that woke it first.
   *
   * @param worker its index
   */
  void cancelSleep(int worker) {
    synchronized (this) {
      if (!asleep[worker]) {
        return;
      }
      asleep[worker] = false;
      for (int i = 0; i < sleeperCount; i++) {
        if (sleepers[i] == worker) {
          sleepers[i] = sleepers[--sleeperCount];
          break;
        }
      }
      state.addAndGet(AWAKE_ONE + SEARCHING_ONE);
    }
  }

  /** @return whether {@code worker} is asleep: in the sleepers, not yet woken */
  synchronized boolean isAsleep(int worker) {
    return asleep[worker];
  }

  /** @return how many workers are searching now */
  int searching() {
    return state.get() >>> 16;
  }

  /** @return how many workers are awake now */
  int awake() {
    return state.get() & AWAKE_MASK;
  }
}
