// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Context;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The state of a {@link Task} and its transitions, tokio's {@code state.rs}: every change of the
 * state is one of the methods below, each returning what happened, so {@code Task} reads as "do
 * the transition, act on its result". The state lives in the task object itself (this is its
 * superclass), so a task stays one allocation of 32 bytes.
 *
 * <p>Two words. The shared word, {@link #state}, is read and changed atomically by any thread;
 * every runtime uses it. The local word, {@link #local}, is used by a current-thread runtime only:
 * it is read and written with plain accesses, and only by the thread that drives that runtime
 * (the holder of {@code CurrentThreadScheduler}'s claim; the claim's compare-and-set and its
 * release's volatile write hand the word from one driving thread to the next). Each is one byte,
 * so a task stays 32 bytes, and a plain write of one never clobbers an atomic update of the other
 * (distinct fields are distinct memory locations: no word tearing, JLS 17.6).
 *
 * <h2>Shared word (multi-threaded runtimes: every transition)</h2>
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
 *   idle or SCHEDULED ──give up (shutdown)──▶ RUNNING|CANCEL_REQUESTED, SCHEDULED cleared,
 *                                             taken by the runtime ──▶ COMPLETE
 *
 *   abort: sets CANCEL_REQUESTED (sticky) in any state but COMPLETE, then wakes the task.
 *   STARTED is set by the first run and never cleared (on a current-thread runtime: LOCAL_STARTED).
 *   JOINED is set by the first waiter of the task's JoinHandle, in any state but COMPLETE, before
 *   the waiter is published, and never cleared: a completion that finds it takes the waiters and
 *   wakes them; one that does not find it touches no waiter ({@code Task}'s class comment proves
 *   it).
 * </pre>
 *
 * <h2>A current-thread runtime: the local word, and the shared word's part in it</h2>
 *
 * <p>Only the driving thread polls a current-thread runtime's tasks, so no other thread needs to
 * know that one is being polled, and a wake from the driving thread itself (the running task
 * waking another, a spawn from a task) needs no atomic operation. There:
 *
 * <pre>
 *   wake from the driver (localWake, plain):
 *     COMPLETE                → nothing
 *     LOCAL_QUEUED            → nothing: its one entry in the ready queue will poll it
 *     LOCAL_RUNNING           → LOCAL_NOTIFIED: queued behind everything ready when the poll ends
 *     otherwise               → LOCAL_QUEUED: the driver appends it to its ready queue
 *   wake from any other thread (transitionToNotified, atomic, unchanged): idle → SCHEDULED, and
 *     the waker pushes the task on the incoming queue. RUNNING is never set by a local poll, so
 *     an outside wake during one sets SCHEDULED too: the poll may have missed it, another follows.
 *   the driver takes a task off the incoming queue (takeFromIncoming, one atomic AND):
 *     clears SCHEDULED (a wake after this queues it again); then COMPLETE → drop it;
 *     LOCAL_QUEUED → drop it (its entry in the ready queue polls it later); otherwise LOCAL_QUEUED
 *     and the driver appends it to its ready queue.
 *   the driver takes a task off its ready queue (localStart, plain): LOCAL_QUEUED →
 *     LOCAL_RUNNING|LOCAL_STARTED (the local STARTED, read by the driver's give-up), then reads
 *     the shared word: COMPLETE → done (a give-up completed it while it was queued);
 *     CANCEL_REQUESTED → deliver the cancellation.
 *   a poll returns pending (localIdle, plain): LOCAL_RUNNING and LOCAL_NOTIFIED cleared; if it was
 *     LOCAL_NOTIFIED and is not queued, LOCAL_QUEUED, and the driver queues it behind everything
 *     ready (the outside wakes first).
 *   completion: as on every runtime, one atomic OR of COMPLETE, once, and the task's waiters
 *     taken only if JOINED was set.
 * </pre>
 *
 * <p>Why no wake is lost. Every entry of the ready queue is a task with LOCAL_QUEUED, and every
 * task with LOCAL_QUEUED has exactly one entry (set only where an entry is appended, cleared only
 * where one is taken), so a task with LOCAL_QUEUED is polled later. A wake from the driver either
 * finds LOCAL_QUEUED, or makes it so, or (the task is being polled) has it made so when the poll
 * ends. A wake from another thread either sets SCHEDULED and pushes the task, or finds SCHEDULED
 * set by a push the driver has not taken yet (it clears SCHEDULED before anything else when it
 * takes one, so such a take comes after the wake); either way the driver takes the task from the
 * incoming queue after the wake, and leaves it with LOCAL_QUEUED. A task's ready entry at most one,
 * its incoming entry at most one (under SCHEDULED): nothing grows however often it is woken.
 * {@code LocalWakeModelCheckTest} model-checks this.
 */
abstract class TaskState extends Context {

  /**
   * Set while the task is in a run queue, or about to be. Set only by a wake that found the task
   * idle; cleared by the run that takes it, or by a shutdown's give-up ({@link #transitionToTaken}),
   * which leaves the queue entry behind. Never set together with RUNNING or COMPLETE.
   */
  static final int SCHEDULED = 1;

  /** Set while one thread polls the task's future (or completes it). Never with SCHEDULED. */
  static final int RUNNING = 1 << 1;

  /** Set by a wake that came while RUNNING: the task is queued again when the poll ends. */
  static final int NOTIFIED = 1 << 2;

  /** Set once the outcome is stored, by the thread holding RUNNING. Final. */
  static final int COMPLETE = 1 << 3;

  /**
   * Set by an abort, or by a shutdown's give-up with RUNNING; every later poll delivers the
   * cancellation. Never cleared.
   */
  static final int CANCEL_REQUESTED = 1 << 4;

  /** Set by the first run. Never cleared: a started task may hold something to unwind. */
  static final int STARTED = 1 << 5;

  /**
   * Set by the first waiter registered for the outcome, before it is published, unless COMPLETE.
   * Never cleared (a waiter forgotten since costs its completion one CAS, nothing else). Clear
   * when COMPLETE is set: nobody waited, and nobody ever can.
   */
  static final int JOINED = 1 << 6;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(TaskState.class, "state", byte.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The shared bits above; any thread, atomically (one byte: see the class comment). */
  private volatile byte state;

  /**
   * The local bits below; a current-thread runtime's driving thread only, plain reads and writes.
   */
  private byte local;

  // Local bits (a current-thread runtime's driving thread only).

  /**
   * Set while the task has its one entry in the driver's ready queue: set where that entry is
   * appended, cleared where it is taken.
   */
  static final int LOCAL_QUEUED = 1;

  /** Set while the driver polls the task (or completes it). Never set on another runtime. */
  static final int LOCAL_RUNNING = 1 << 1;

  /** Set by a wake from the driver while LOCAL_RUNNING: queued again when the poll ends. */
  static final int LOCAL_NOTIFIED = 1 << 2;

  /**
   * Set by the driver's first poll, instead of the shared STARTED (no atomic operation); read by
   * a give-up, which on a current-thread runtime only the driver makes. Never cleared.
   */
  static final int LOCAL_STARTED = 1 << 3;

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
    /**
     * Not queued, RUNNING and CANCEL_REQUESTED: a shutdown's give-up took it ({@link
     * #transitionToTaken}) and is unwinding it, so the entry run is its leftover. Nothing changed.
     * A task being polled with an abort pending looks the same: only a misuse (a handle run by
     * hand during that poll) can find it so, and it is then skipped instead of refused.
     */
    TAKEN,
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

  /** What a completion must do next. */
  enum Completion {
    /** COMPLETE is set and JOINED never was: nobody waits, nothing more to do. */
    NOBODY_WAITS,
    /** COMPLETE is set and JOINED was: the completer takes the waiters and wakes them. */
    WAKE_WAITERS
  }

  /** What a waiter found when it asked to be registered. */
  enum Join {
    /** JOINED is set (now or before) and COMPLETE is not: the caller registers its waiter. */
    REGISTER,
    /** COMPLETE: the outcome is published; read it, register nothing. */
    COMPLETED
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

  /**
   * The state as the diagnostics read it ({@code TaskDump}, {@code LostWakers}): the shared bits,
   * plus RUNNING for LOCAL_RUNNING, SCHEDULED for LOCAL_QUEUED and STARTED for LOCAL_STARTED. Any
   * thread; off the driving thread the local bits are a racy look, good for a report, not for a
   * decision.
   *
   * @return the state bits
   */
  final int state() {
    int s = state;
    int l = local;
    if ((l & LOCAL_RUNNING) != 0) {
      s |= RUNNING;
    }
    if ((l & LOCAL_QUEUED) != 0) {
      s |= SCHEDULED;
    }
    if ((l & LOCAL_STARTED) != 0) {
      s |= STARTED;
    }
    return s;
  }

  /** @return whether COMPLETE is set: one volatile read of the shared word */
  final boolean isComplete() {
    return (state & COMPLETE) != 0;
  }

  /** @return whether CANCEL_REQUESTED is set: one volatile read of the shared word */
  final boolean isCancelRequested() {
    return (state & CANCEL_REQUESTED) != 0;
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
        int witness = (byte) STATE.compareAndExchange(this, (byte) s, (byte) (s | NOTIFIED));
        if (witness == s) {
          return Wake.NOTHING;
        }
        s = witness;
        continue;
      }
      // It is idle: queue it. Ordering: the CAS is a volatile write, so whatever the waking
      // thread wrote before wake() is visible to the thread that reads the state to run it.
      int witness = (byte) STATE.compareAndExchange(this, (byte) s, (byte) (s | SCHEDULED));
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
      // If it is not queued, the entry is a give-up's leftover, or the caller is not its scheduler.
      if ((s & SCHEDULED) == 0) {
        return (s & (RUNNING | CANCEL_REQUESTED)) == (RUNNING | CANCEL_REQUESTED)
            ? Start.TAKEN : Start.NOT_SCHEDULED;
      }
      // Ordering: the CAS acquires what the waker wrote before its wake.
      int witness = (byte) STATE.compareAndExchange(
          this, (byte) s, (byte) ((s & ~SCHEDULED) | RUNNING | STARTED));
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
      int witness = (byte) STATE.compareAndExchange(this, (byte) s, (byte) next);
      if (witness == s) {
        return (next & SCHEDULED) != 0 ? Idle.RESCHEDULE : Idle.IDLE;
      }
      s = witness;
    }
  }

  /**
   * Completes the task: sets COMPLETE. Only the holder of RUNNING (or, on a current-thread
   * runtime, LOCAL_RUNNING) calls it, once, after storing the outcome; it takes no lock.
   *
   * @return whether a waiter ever registered (JOINED), so that the caller must wake the waiters
   */
  final Completion transitionToComplete() {
    // A CAS loop, what the JDK's getAndBitwiseOr runs, written out: Lincheck's model checker does
    // not switch threads before a getAndBitwise* call, so it would not see a race here.
    // Ordering: the CAS is a volatile write, so the outcome stored before it is visible to whoever
    // reads COMPLETE; and it reads the latest state, so it sees every JOINED set before it (a
    // waiter that found COMPLETE clear set JOINED, or saw it, before this CAS in the word's order).
    int s = state;
    while (true) {
      int witness = (byte) STATE.compareAndExchange(this, (byte) s, (byte) (s | COMPLETE));
      if (witness == s) {
        return (s & JOINED) != 0 ? Completion.WAKE_WAITERS : Completion.NOBODY_WAITS;
      }
      s = witness;
    }
  }

  /**
   * Asks to register a waiter: sets JOINED unless COMPLETE. If this returns REGISTER, the caller
   * then publishes its waiter by a CAS of the task's waiters, which fails if the completion took
   * them meanwhile.
   *
   * @return REGISTER (JOINED is set, COMPLETE is not, as of this call), or COMPLETED
   */
  final Join transitionToJoined() {
    // Ordering: a volatile read; COMPLETE seen here publishes the outcome stored before it.
    int s = state;
    while (true) {
      // If the task completed, its outcome is published: the caller reads it.
      if ((s & COMPLETE) != 0) {
        return Join.COMPLETED;
      }
      // If a waiter registered before, JOINED is set already, before any COMPLETE to come: that
      // completion will take the waiters, by a CAS that the caller's own CAS comes before or after.
      if ((s & JOINED) != 0) {
        return Join.REGISTER;
      }
      // The first waiter. Ordering: a CAS, since the completer sets COMPLETE by one: either this
      // one comes first (then the completer sees JOINED and takes the waiters), or it fails on
      // COMPLETE and the loop reads the outcome's publication.
      int witness = (byte) STATE.compareAndExchange(this, (byte) s, (byte) (s | JOINED));
      if (witness == s) {
        return Join.REGISTER;
      }
      s = witness;
    }
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
      int witness = (byte) STATE.compareAndExchange(this, (byte) s, (byte) (s | CANCEL_REQUESTED));
      if (witness == s) {
        return true;
      }
      s = witness;
    }
    return false;
  }

  /**
   * Takes an idle or queued task for the runtime that gives up on it: it becomes
   * RUNNING|CANCEL_REQUESTED with SCHEDULED cleared, and stays so until it completes (a wake sets
   * only NOTIFIED). A queue entry it leaves behind finds it so: {@link Start#TAKEN}.
   */
  final Take transitionToTaken() {
    int s = state;
    while (true) {
      if ((s & COMPLETE) != 0) {
        return Take.COMPLETED;
      }
      // Being polled: by a worker (RUNNING), or by the driver of a current-thread runtime, which
      // is the caller then (LOCAL_RUNNING is never set off that runtime).
      if ((s & RUNNING) != 0 || (local & LOCAL_RUNNING) != 0) {
        return Take.BUSY;
      }
      int witness = (byte) STATE.compareAndExchange(
          this, (byte) s, (byte) ((s & ~SCHEDULED) | RUNNING | CANCEL_REQUESTED));
      if (witness == s) {
        return (s & STARTED) != 0 || (local & LOCAL_STARTED) != 0
            ? Take.TAKEN_STARTED : Take.TAKEN_NEW;
      }
      s = witness;
    }
  }

  // Transitions of a current-thread runtime's driving thread (see the class comment). Each is
  // called on that thread only: the local word is plain.

  /**
   * A wake from the driving thread: LOCAL_QUEUED if the task is neither queued, running nor
   * complete; LOCAL_NOTIFIED if it is being polled.
   *
   * @return SCHEDULE: the caller must append the task to its ready queue
   */
  final Wake localWake() {
    // Ordering: a volatile read; a COMPLETE it misses was set by this thread (only the driver
    // completes a current-thread task), so it is never missed.
    if ((state & COMPLETE) != 0) {
      return Wake.NOTHING;
    }
    int l = local;
    // If it has its entry in the ready queue, that entry polls it after this wake.
    if ((l & LOCAL_QUEUED) != 0) {
      return Wake.NOTHING;
    }
    // If it is being polled (it woke itself, or something it polls did), queue it when it ends.
    if ((l & LOCAL_RUNNING) != 0) {
      local = (byte) (l | LOCAL_NOTIFIED);
      return Wake.NOTHING;
    }
    local = (byte) (l | LOCAL_QUEUED);
    return Wake.SCHEDULE;
  }

  /**
   * The driver took the task off its incoming queue (an outside wake): clears SCHEDULED, then
   * gives it its one entry in the ready queue unless it has one or is complete.
   *
   * @return whether the caller must append the task to its ready queue
   */
  final boolean takeFromIncoming() {
    // Ordering: an atomic read-modify-write, since other threads compare-and-set this word; it
    // acquires what the waker wrote before its wake (it also released it with the queue's slot).
    // Clearing SCHEDULED first: a wake that finds it clear from now on pushes the task again, and
    // one that found it set came before this take, which leaves the task queued below.
    // A weak-CAS loop, what the JDK's getAndBitwiseAnd runs, written out: Lincheck's model checker
    // does not switch threads before a getAndBitwise* call, so it would not see a race here.
    byte s;
    do {
      s = (byte) STATE.getVolatile(this);
    } while (!STATE.weakCompareAndSet(this, s, (byte) (s & ~SCHEDULED)));
    if ((s & COMPLETE) != 0) {
      return false;
    }
    int l = local;
    if ((l & LOCAL_QUEUED) != 0) {
      return false;
    }
    local = (byte) (l | LOCAL_QUEUED);
    return true;
  }

  /**
   * The driver took the task off its ready queue to poll it: LOCAL_QUEUED becomes
   * LOCAL_RUNNING|LOCAL_STARTED.
   *
   * @return what to do: COMPLETED (a give-up completed it while it was queued: nothing), or one
   *     of the polls
   */
  final Start localStart() {
    int l = local;
    // Ordering: a volatile read. A CANCEL_REQUESTED it misses was set after it, and the abort's
    // wake that follows queues another poll, which sees it.
    int s = state;
    if ((s & COMPLETE) != 0) {
      local = (byte) (l & ~LOCAL_QUEUED);
      return Start.COMPLETED;
    }
    boolean started = (l & LOCAL_STARTED) != 0;
    local = (byte) ((l & ~LOCAL_QUEUED) | LOCAL_RUNNING | LOCAL_STARTED);
    if ((s & CANCEL_REQUESTED) != 0) {
      return started ? Start.CANCELLED : Start.CANCELLED_BEFORE_START;
    }
    return started ? Start.POLL : Start.FIRST_POLL;
  }

  /**
   * A poll by the driver returned pending: LOCAL_RUNNING and LOCAL_NOTIFIED cleared.
   *
   * @return RESCHEDULE if it was woken by the driver meanwhile and is not queued: it has
   *     LOCAL_QUEUED now, and the caller must queue it behind everything ready
   */
  final Idle localIdle() {
    int l = local;
    int next = l & ~(LOCAL_RUNNING | LOCAL_NOTIFIED);
    if ((l & (LOCAL_NOTIFIED | LOCAL_QUEUED)) == LOCAL_NOTIFIED) {
      local = (byte) (next | LOCAL_QUEUED);
      return Idle.RESCHEDULE;
    }
    local = (byte) next;
    return Idle.IDLE;
  }

  /** The driver completed the task: LOCAL_RUNNING and LOCAL_NOTIFIED cleared (for the reports). */
  final void localCompleted() {
    local = (byte) (local & ~(LOCAL_RUNNING | LOCAL_NOTIFIED));
  }

  /** A wake from the driver could not append the task (no memory): LOCAL_QUEUED undone. */
  final void localUnqueued() {
    local = (byte) (local & ~LOCAL_QUEUED);
  }

  /**
   * A give-up from a thread that does not drive the task's current-thread runtime (a wake from
   * there could not be queued): only the driver may complete the task, which it may be polling
   * now, so this asks for cancellation and clears SCHEDULED (the wake that set it was not queued,
   * so the next wake queues the task again, and its next poll delivers the cancellation).
   */
  final void transitionToCancelRequestedUnqueued() {
    int s = state;
    while ((s & COMPLETE) == 0) {
      // Ordering: atomic, since other threads compare-and-set this word.
      int witness = (byte) STATE.compareAndExchange(
          this, (byte) s, (byte) ((s & ~SCHEDULED) | CANCEL_REQUESTED));
      if (witness == s) {
        return;
      }
      s = witness;
    }
  }
}
