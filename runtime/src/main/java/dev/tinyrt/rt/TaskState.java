// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Context;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The state word of a {@link Task} and its transitions, tokio's {@code state.rs}: every change of
 * the word is one of the methods below, each returning what happened, so {@code Task} reads as
 * "do the transition, act on its result". The word lives in the task object itself (this is its
 * superclass), so a task stays one allocation.
 *
 * <pre>
 *                 wake                run                 poll pending
 *   idle ───────────────▶ SCHEDULED ─────────▶ RUNNING ─────────────────▶ idle
 *    ▲                                          │   │ wake
 *    │                                          │   ▼
 *    │                            poll pending  │  RUNNING|NOTIFIED ──────▶ SCHEDULED (behind
 *    │                                          │                           everything ready)
 *    │                    ready or threw        ▼
 *    │                   ─────────────────▶ COMPLETE (final: wakes and runs do nothing)
 *    │
 *   idle or SCHEDULED ──give up (shutdown)──▶ RUNNING, taken by the runtime ──▶ COMPLETE
 *
 *   abort: sets CANCEL_REQUESTED (sticky) in any state but COMPLETE, then wakes the task.
 *   STARTED is set by the first run and never cleared.
 * </pre>
 */
abstract class TaskState extends Context {

  /**
   * Set while the task is in a run queue, or about to be. Set only by a wake that found the task
   * idle; cleared by the run that takes it. Never set together with RUNNING or COMPLETE.
   */
  static final int SCHEDULED = 1;

  /** Set while one thread polls the task's future (or completes it). Never with SCHEDULED. */
  static final int RUNNING = 1 << 1;

  /** Set by a wake that came while RUNNING: the task is queued again when the poll ends. */
  static final int NOTIFIED = 1 << 2;

  /** Set once the outcome is stored, by the thread holding RUNNING. Final. */
  static final int COMPLETE = 1 << 3;

  /** Set by an abort; every later poll delivers the cancellation. Never cleared. */
  static final int CANCEL_REQUESTED = 1 << 4;

  /** Set by the first run. Never cleared: a started task may hold something to unwind. */
  static final int STARTED = 1 << 5;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(TaskState.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The state bits above. */
  private volatile int state;

  /** What a wake must do. */
  enum Wake {
    /** The task was idle and is now SCHEDULED: the waker must queue it. */
    SCHEDULE,
    /** Queued, running (now NOTIFIED) or complete already: nothing more to do. */
    NOTHING
  }

  /** What a run found when it took the task from its queue. */
  enum Start {
    /** RUNNING now, never polled before: poll it. */
    FIRST_POLL,
    /** RUNNING now, polled before: poll it. */
    POLL,
    /** RUNNING now, cancelled before its first poll: complete it as cancelled, poll nothing. */
    CANCELLED_BEFORE_START,
    /** RUNNING now, started and cancelled: deliver the cancellation. */
    CANCELLED,
    /** Completed while it was queued (a shutdown gave up on it): nothing to do. */
    COMPLETED,
    /** Not queued: the caller is not its scheduler. Nothing changed. */
    NOT_SCHEDULED
  }

  /** What the end of a pending poll left. */
  enum Idle {
    /** Idle: the next wake queues it. */
    IDLE,
    /** Woken while it ran: SCHEDULED again, the runner must queue it behind everything ready. */
    RESCHEDULE
  }

  /** What a give-up found. */
  enum Take {
    /** RUNNING now, taken by the caller; it was started, so it may hold something to unwind. */
    TAKEN_STARTED,
    /** RUNNING now, taken by the caller; it never ran. */
    TAKEN_NEW,
    /** Being polled right now: the runner gives up on it when its poll ends. */
    BUSY,
    /** Complete already. */
    COMPLETED
  }

  /** @return the state word, for reads that need no transition */
  final int state() {
    return state;
  }

  /** Wakes: idle becomes SCHEDULED, RUNNING becomes NOTIFIED. */
  final Wake transitionToNotified() {
    int s = state;
    while (true) {
      // If the task completed, or is already queued, there is nothing to do.
      if ((s & (COMPLETE | SCHEDULED)) != 0) {
        return Wake.NOTHING;
      }
      if ((s & RUNNING) != 0) {
        // If it runs and was woken already, the runner queues it again anyway.
        if ((s & NOTIFIED) != 0) {
          return Wake.NOTHING;
        }
        // It runs: ask for another poll after this one.
        int witness = (int) STATE.compareAndExchange(this, s, s | NOTIFIED);
        if (witness == s) {
          return Wake.NOTHING;
        }
        s = witness;
        continue;
      }
      // It is idle: queue it. Ordering: the CAS is a volatile write, so whatever the waking
      // thread wrote before wake() is visible to the thread that reads the state to run it.
      int witness = (int) STATE.compareAndExchange(this, s, s | SCHEDULED);
      if (witness == s) {
        return Wake.SCHEDULE;
      }
      s = witness;
    }
  }

  /** Takes a queued task to poll it: SCHEDULED becomes RUNNING|STARTED. */
  final Start transitionToRunning() {
    int s = state;
    while (true) {
      // If it completed while queued (a shutdown gave up on it), there is nothing to poll.
      if ((s & COMPLETE) != 0) {
        return Start.COMPLETED;
      }
      // If it is not queued, the caller is not its scheduler.
      if ((s & SCHEDULED) == 0) {
        return Start.NOT_SCHEDULED;
      }
      // Ordering: the CAS acquires what the waker wrote before its wake.
      int witness = (int) STATE.compareAndExchange(this, s, (s & ~SCHEDULED) | RUNNING | STARTED);
      if (witness == s) {
        boolean started = (s & STARTED) != 0;
        if ((s & CANCEL_REQUESTED) != 0) {
          return started ? Start.CANCELLED : Start.CANCELLED_BEFORE_START;
        }
        return started ? Start.POLL : Start.FIRST_POLL;
      }
      s = witness;
    }
  }

  /** Ends a pending poll: RUNNING becomes idle, or SCHEDULED if it was NOTIFIED meanwhile. */
  final Idle transitionToIdle() {
    int s = state;
    while (true) {
      int next = (s & NOTIFIED) != 0 ? (s & ~(RUNNING | NOTIFIED)) | SCHEDULED : s & ~RUNNING;
      int witness = (int) STATE.compareAndExchange(this, s, next);
      if (witness == s) {
        return (next & SCHEDULED) != 0 ? Idle.RESCHEDULE : Idle.IDLE;
      }
      s = witness;
    }
  }

  /**
   * Completes the task; only the holder of RUNNING calls it, under the task's lock, after storing
   * the outcome. Ordering: the volatile read-modify-write publishes the outcome to whoever reads
   * COMPLETE.
   */
  final void transitionToComplete() {
    STATE.getAndBitwiseOr(this, COMPLETE);
  }

  /**
   * Requests cancellation.
   *
   * @return whether this call set CANCEL_REQUESTED (false: complete, or requested already); the
   *     caller then wakes the task so it sees the request
   */
  final boolean transitionToCancelRequested() {
    int s = state;
    while ((s & (COMPLETE | CANCEL_REQUESTED)) == 0) {
      int witness = (int) STATE.compareAndExchange(this, s, s | CANCEL_REQUESTED);
      if (witness == s) {
        return true;
      }
      s = witness;
    }
    return false;
  }

  /** Takes an idle or queued task for the runtime that gives up on it: it becomes RUNNING. */
  final Take transitionToTaken() {
    int s = state;
    while (true) {
      if ((s & COMPLETE) != 0) {
        return Take.COMPLETED;
      }
      if ((s & RUNNING) != 0) {
        return Take.BUSY;
      }
      int witness = (int) STATE.compareAndExchange(
          this, s, (s & ~SCHEDULED) | RUNNING | CANCEL_REQUESTED);
      if (witness == s) {
        return (s & STARTED) != 0 ? Take.TAKEN_STARTED : Take.TAKEN_NEW;
      }
      s = witness;
    }
  }
}
