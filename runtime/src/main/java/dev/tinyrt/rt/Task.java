// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.AwaitedAt;
import dev.tinyrt.internal.CallSite;
import dev.tinyrt.internal.Cancellation;
import dev.tinyrt.internal.ForgetsWaker;
import dev.tinyrt.internal.ForwardsCancellation;
import dev.tinyrt.internal.NullPoll;
import dev.tinyrt.internal.Sneaky;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.util.concurrent.CompletableFuture;

/**
 * A spawned future plus a little state: tokio's task, in one object of 32 bytes (header 12, three
 * references, an int and two bytes with compressed oops). The task is its own waker, its own
 * context, its own join handle and an entry of its runtime's live list ({@link TaskList}, which it
 * knows by index, not by links). Waking it puts it in its runtime's run queue, unless it is already
 * there or running (then it is polled again once the current poll ends), or finished.
 *
 * <p>One field serves two phases: until the task completes it holds the future it drives, from
 * then on the outcome ({@link #futureThenOutcome}). Only the poller (the holder of RUNNING or
 * LOCAL_RUNNING) writes it, and it stores the outcome before it sets COMPLETE, so whoever reads
 * COMPLETE reads the outcome. Who waits for the outcome is another field, {@link #waiters},
 * changed only by compare-and-set; the completion touches it only if somebody ever waited. No
 * part of the runtime locks the task's monitor: a {@code JoinHandle} is the task, and a user
 * holding {@code synchronized (handle)} must not stall the worker that completes it.
 *
 * <h2>Completion against registration: the protocol</h2>
 *
 * <p>A completion does not touch {@link #waiters} unless a waiter ever registered: a task spawned
 * and never awaited (a cart whose handle was dropped) completes with one store of its outcome and
 * one compare-and-set of its state. The shared state word ({@link TaskState}) carries the two bits
 * that say so; {@link #waiters} is null, one waiter, a {@link JoinWaiters} (several, behind its own
 * private lock), or {@link #TAKEN} once a completion took them:
 *
 * <pre>
 *   registering a waiter (poll of the handle, toCompletableFuture):
 *     COMPLETE                      → read the outcome, register nothing
 *     else CAS: set JOINED (already set: nothing to do); the CAS fails if COMPLETE came first,
 *          and then the outcome is read; with JOINED set, loop on {@link #waiters}:
 *       TAKEN          → the completion took the waiters: COMPLETE is set, read the outcome
 *       null           → CAS null → the waiter
 *       this waiter    → registered already
 *       JoinWaiters    → add under its lock, unless the completion closed it (read the outcome)
 *       another waiter → CAS it → JoinWaiters(it, the waiter)
 *   forget (an abandoned await): CAS the waiter → null, or remove it from the JoinWaiters
 *   completion, by the poller:
 *     store the outcome in {@link #futureThenOutcome}; CAS: set COMPLETE, and read what was set:
 *       JOINED clear → done: nobody waits, nobody ever can (every later registration sees COMPLETE)
 *       JOINED set   → swap {@link #waiters} for TAKEN (a CAS loop); a JoinWaiters taken is
 *                      closed under its lock; then wake each waiter taken
 * </pre>
 *
 * <p>Why a registered waiter is woken exactly once. A registration that adds waiter w set or saw
 * JOINED with COMPLETE clear; COMPLETE is never cleared, so JOINED comes before COMPLETE in the
 * word's order, and the completion's CAS, which reads the latest state, finds JOINED and swaps
 * {@link #waiters} for TAKEN. Every change of {@link #waiters} is a CAS, so the registration's CAS
 * comes either before the swap (the swap takes w, unless a forget removed it, and wakes it) or
 * after it (the CAS fails on TAKEN, and the registration reads the outcome, stored before
 * COMPLETE, which was set before TAKEN). A JoinWaiters is the same under its lock: an add before
 * the close is taken by it, one after finds it closed. TAKEN is final and the completion happens
 * once (only the poller completes, and a task completes once): no waiter is woken twice, and none
 * is kept after completion. {@code JoinHandleModelCheckTest} and {@code CompletionModelCheckTest}
 * model-check this.
 *
 * <p>What users hold is not what the scheduler runs: as a {@link JoinHandle} the task can be
 * awaited by any number of tasks and threads at once (each waker is kept, once), and {@link #run()}
 * polls only a task that is queued (SCHEDULED, which the poll's CAS takes away), so a handle cast to
 * {@code Runnable} can never poll the future twice at once, nor an idle or running one. Run while
 * the task is queued it does poll it, in the scheduler's place, and the scheduler's own entry is
 * then refused on a comparison pool's thread: a misuse the check sees only after the fact.
 *
 * @param <T> the future's value type
 */
final class Task<T> extends TaskState
    implements JoinHandle<T>, Runnable, Waker, ForgetsWaker {

  /**
   * Before COMPLETE, the future this task drives; from COMPLETE on, the outcome: the value or a
   * {@link Failure}, so the future can be collected. Written only by the poller (the holder of
   * RUNNING or LOCAL_RUNNING), the outcome before COMPLETE's CAS (a volatile write), so a reader
   * that saw COMPLETE (a volatile read) sees it.
   */
  private Object futureThenOutcome;

  /** The runtime that owns the task. */
  private final AsyncRuntime runtime;

  /**
   * Who waits for the outcome: null, a Waker, a CompletableFuture, or {@link JoinWaiters} holding
   * several of them, each once (by identity); {@link #TAKEN} for good once the completion took them
   * out; never written if nobody waited (JOINED clear). Changed only by CAS ({@link #WAITERS}).
   */
  private volatile Object waiters;

  /** What {@link #waiters} holds once the completion took the waiters. */
  private static final Object TAKEN = new Object() {
    @Override
    public String toString() {
      return "taken by the completion";
    }
  };

  private static final VarHandle WAITERS;

  static {
    try {
      WAITERS = MethodHandles.lookup().findVarHandle(Task.class, "waiters", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Where the task sits in its runtime's {@link TaskList}; written by the list, under its locks. */
  int liveSlot;

  /** A failed or cancelled outcome. */
  static final class Failure {
    /** What the task threw; for a cancellation, the CancelledException it unwound with. */
    private final Throwable cause;

    /** Whether the task ended by cancellation (its own, or its runtime's shutdown). */
    private final boolean cancelled;

    /**
     * Set once the failure was handed to somebody: thrown to an await, given to a stage, or
     * answered by {@link #isFailed}. A failed task collected without it is reported ({@link
     * UnseenFailures}). Ordering: volatile, read by the reporting thread after the task was
     * collected, so after every write to it.
     */
    volatile boolean seen;

    /** The reference that watches the task, once watched ({@link UnseenFailures}), or null. */
    volatile Object watch;

    Failure(Throwable cause, boolean cancelled) {
      this.cause = cause;
      this.cancelled = cancelled;
    }

    Throwable cause() {
      return cause;
    }

    boolean cancelled() {
      return cancelled;
    }

    /** Marks the failure seen, and stops watching the task: there is nothing to report. */
    void see() {
      seen = true;
      Object w = watch;
      if (w != null) {
        UnseenFailures.unwatch(w);
      }
    }
  }

  Task(Future<T> future, AsyncRuntime runtime) {
    this.futureThenOutcome = future;
    this.runtime = runtime;
  }

  /**
   * The future the task drives, for the diagnostics ({@link TaskDump}, {@link LostWakers}), from
   * any thread: a racy look. Null once it completed; in the instant between the outcome's store
   * and COMPLETE (the task is running then) an outcome that is itself a future may show here.
   *
   * @return the future, or null if the task completed
   */
  @SuppressWarnings("unchecked")
  Future<T> future() {
    Object f = futureThenOutcome;
    return f instanceof Future<?> && !isComplete() ? (Future<T>) f : null;
  }

  /** @return the future the task drives; only its poller calls it, before completing it */
  @SuppressWarnings("unchecked")
  private Future<T> polledFuture() {
    return (Future<T>) futureThenOutcome;
  }

  // Context.

  @Override
  public Waker waker() {
    return this;
  }

  @Override
  public boolean isCancelled() {
    // A finished task reports whether it ended cancelled; a running one, whether it was asked to.
    return isComplete()
        ? futureThenOutcome instanceof Failure f && f.cancelled()
        : isCancelRequested();
  }

  // Waker.

  @Override
  public void wake() {
    if (TaskStats.ENABLED) {
      TaskStats.woken(this); // off: a static final false, compiled away
    }
    // On the thread that drives its current-thread runtime: plain writes, no atomic operation.
    CurrentThreadScheduler local = runtime.localScheduler();
    if (local != null && local.isDriving()) {
      local.wakeLocal(this);
      return;
    }
    if (transitionToNotified() == Wake.SCHEDULE) {
      runtime.schedule(this);
    }
  }

  // Running.

  /**
   * Polls the task once. Only a multi-threaded runtime's scheduler calls it, for a task it took
   * from its queue (a current-thread runtime's driver calls {@link #runLocal}): the comparison
   * pools ({@link ForkJoinScheduler}, {@link SharedQueueScheduler}) hand the task to their pool as
   * this {@code Runnable}. An entry a shutdown is giving up on (see {@link #runIfScheduled}) is
   * skipped here too: the pool's thread would otherwise get the refusal.
   *
   * @throws IllegalStateException if the task is neither scheduled, complete, nor taken by a
   *     give-up (a {@code JoinHandle} cast to {@code Runnable}): the runtime runs its tasks; await
   *     the handle instead. The check is best-effort: a handle run by hand while the task is
   *     queued polls it, and one run while an aborted task is being polled returns quietly
   */
  @Override
  public void run() {
    if (runtime.localScheduler() != null) {
      throw notScheduled(); // only its driving thread polls a current-thread runtime's task
    }
    if (!runIfScheduled()) {
      throw notScheduled();
    }
  }

  /**
   * Polls the task once if it is scheduled: {@link #run()} for a {@link WorkStealingScheduler}'s
   * worker, which takes queue entries the runtime's shutdown may be giving up on. A shutdown that
   * gives up on a queued task takes SCHEDULED away ({@link #transitionToTaken}) and, while the task
   * unwinds (its finally blocks, user code of any length), leaves its entry in a worker's queue; a
   * worker that pops the entry then finds it {@link Start#TAKEN}, and skips it. {@code run()}, the
   * comparison pools' entry, goes through here too: both once refused it as a misuse, on the pool's
   * or worker's thread.
   *
   * @return false if the task was neither queued, complete nor taken by a give-up (the caller is
   *     not its scheduler): nothing was done
   */
  boolean runIfScheduled() {
    Start start = transitionToRunning();
    if (start == Start.COMPLETED || start == Start.TAKEN) {
      return true;
    }
    if (start == Start.NOT_SCHEDULED) {
      return false;
    }
    Context cx = LostWakers.ENABLED ? LostWakers.context(this) : this; // off: no code
    if (pollOnce(start, cx)) {
      parked(transitionToIdle(), cx, null);
    }
    return true;
  }

  /**
   * Reports a Waker that threw when this task's completion woke it, on a multi-threaded runtime:
   * there the failure has no caller to go to (a current-thread runtime's driver rethrows it from
   * {@code blockOn}).
   *
   * @param failure what the Waker threw (the first, with the others suppressed)
   */
  private void awaiterWakeFailed(Throwable failure) {
    System.getLogger("dev.tinyrt").log(System.Logger.Level.WARNING,
        "a Waker threw when " + this + " of runtime " + runtime.name() + " completed and woke "
            + "its awaiters (all of them were woken; the runtime goes on). Waker.wake() must not "
            + "throw: catch inside it what it calls", failure);
  }

  /**
   * Polls the task once on the thread that drives its current-thread runtime, which took it from
   * its ready queue: the local transitions of {@link TaskState}, no atomic operation but on a
   * first poll.
   *
   * @param scheduler the runtime's scheduler, to queue the task again if it woke itself
   */
  void runLocal(CurrentThreadScheduler scheduler) {
    Start start = localStart();
    if (start == Start.COMPLETED) {
      return;
    }
    Context cx = LostWakers.ENABLED ? LostWakers.context(this) : this; // off: no code
    if (pollOnce(start, cx)) {
      parked(localIdle(), cx, scheduler);
    } else {
      localCompleted();
    }
  }

  /**
   * After a poll that left the task pending and made it idle: gives it up if the runtime's
   * shutdown gave up on its live tasks meanwhile, else queues it again if it woke itself.
   *
   * @param idle what the idle transition said
   * @param cx the context it was polled with, kept reachable until now
   * @param local the current-thread runtime's scheduler that polled it, or null
   */
  private void parked(Idle idle, Context cx, CurrentThreadScheduler local) {
    Reference.reachabilityFence(cx); // a lost-waker probe is not collected before the task is idle
    if (runtime.gaveUp()) {
      // The runtime's shutdown gave up on its live tasks while this one ran.
      giveUp(GiveUpReason.SHUTDOWN_GAVE_UP);
    } else if (idle == Idle.RESCHEDULE) {
      // Woken while it ran: behind everything ready now.
      if (local != null) {
        local.requeueYielded(this);
      } else {
        runtime.scheduleYielded(this);
      }
    }
  }

  private IllegalStateException notScheduled() {
    return new IllegalStateException(CallSite.callerOutside(Task.class) + " called run() on "
        + this + ", which was not scheduled: a tinyrt task runs only on its runtime. A "
        + "JoinHandle is not a Runnable; await it or call toCompletableFuture() instead");
  }

  /**
   * Polls the future once, or delivers the cancellation {@code start} says; the caller holds
   * RUNNING or LOCAL_RUNNING.
   *
   * @return true if the task is still pending; false if it completed
   */
  private boolean pollOnce(Start start, Context cx) {
    Future<T> future = polledFuture();
    switch (start) {
      case CANCELLED_BEFORE_START:
        // No code of it ran: nothing to unwind, nothing to give back.
        complete(null, new CancelledException("the task was cancelled before it started"));
        return false;
      case CANCELLED:
        // A leaf cannot unwind itself: it gives back what it holds. A frame or combinator is
        // polled below with this cancelled context and unwinds itself.
        if (!(future instanceof ForwardsCancellation)) {
          Cancellation.abandonLeaf(future, cx);
          complete(null, Cancellation.cancelled("at its await"));
          return false;
        }
        break;
      default:
        break;
    }
    // The runtime is current on this thread already: each worker (and a current-thread runtime's
    // driver) made it so once, not once per poll.
    if (TaskStats.ENABLED) {
      TaskStats.polled(this); // off: a static final false, compiled away
    }
    Poll<T> poll;
    try {
      poll = NullPoll.checked(
          SlowPolls.ENABLED ? SlowPolls.poll(future, cx, this) : future.poll(cx), future);
    } catch (Throwable t) {
      complete(null, t);
      return false;
    }
    if (poll.isReady()) {
      complete(poll.get(), null);
      return false;
    }
    if (TaskStats.ENABLED) {
      TaskStats.parked(this);
    }
    return true;
  }

  /**
   * Stores the outcome and tells every awaiter; the caller holds RUNNING or LOCAL_RUNNING. Touches
   * {@link #waiters} only if somebody ever waited (see the class comment). One reference store
   * (the outcome over the future), one CAS.
   */
  private void complete(T v, Throwable t) {
    boolean byCancellation = t instanceof CancelledException && isCancelRequested();
    // The outcome replaces the future, which can be collected now. Ordering: a plain write,
    // published by transitionToComplete's CAS below to whoever reads COMPLETE.
    Failure failure = t == null ? null : new Failure(t, byCancellation);
    futureThenOutcome = t == null ? v : failure;
    // Out of the live list first: whoever sees the task finished sees it no longer live. But for
    // the drive loop of a current-thread runtime, which takes its completed tasks out in batches:
    // until then they count as live, though a snapshot leaves them out.
    CurrentThreadScheduler local = runtime.localScheduler();
    if (local == null || !local.finishedLater(this)) {
      runtime.finished(this);
    }
    // A failure is watched until somebody sees it: a waiter woken now may never look (a select
    // that another child won, a joinAll that threw another's failure). A CancelledException is
    // never reported, whoever's cancellation it was (a task that awaited an aborted one, say).
    if (failure != null && !(t instanceof CancelledException)) {
      UnseenFailures.watch(this, failure);
    }
    // If no waiter ever registered, none can any more: each registration reads COMPLETE first.
    if (transitionToComplete() == Completion.NOBODY_WAITS) {
      return;
    }
    // Somebody registered: take the waiters, leaving TAKEN, so that a registration still on its
    // way fails its CAS and reads the outcome. A CAS loop, not getAndSet: Lincheck's model checker
    // switches threads before a CAS, so it sees the race.
    Object toNotify;
    do {
      toNotify = waiters;
    } while (!WAITERS.compareAndSet(this, toNotify, TAKEN));
    // Every waiter is woken even if one throws (a Waker is the user's code): the first failure
    // is kept until all were told, the others added to it.
    Throwable failed = null;
    if (toNotify instanceof JoinWaiters several) {
      for (Object w : several.close()) {
        try {
          notifyOne(w);
        } catch (RuntimeException | Error e) {
          if (failed == null) {
            failed = e;
          } else {
            failed.addSuppressed(e);
          }
        }
      }
    } else if (toNotify != null) {
      try {
        notifyOne(toNotify);
      } catch (RuntimeException | Error e) {
        failed = e;
      }
    }
    if (failed != null) {
      if (local != null) {
        // A current-thread runtime's completion runs under its driver's blockOn, which rethrows
        // it to the user (JoinHandleWaitersTest).
        throw Sneaky.rethrow(failed);
      }
      // A multi-threaded runtime's completion runs on a worker, or on a thread giving the task
      // up: thrown on, it ended the worker's thread (a runtime of one worker ran nothing again),
      // or a stop's drain half-way, or came out of a wake.
      awaiterWakeFailed(failed);
    }
  }

  @SuppressWarnings("unchecked")
  private void notifyOne(Object waiter) {
    if (waiter instanceof Waker w) {
      w.wake();
    } else {
      completeStage((CompletableFuture<T>) waiter);
    }
  }

  // JoinHandle.

  @Override
  public Poll<T> poll(Context cx) {
    if (isComplete()) {
      return Poll.ready(outcome());
    }
    Waker w = cx.waker();
    if (w == this || (LostWakers.ENABLED && LostWakers.wakes(w, this))) {
      // Only this task can complete itself, and it would park here until it did: for ever.
      throw new IllegalStateException(CallSite.withUserCode(
          "a task awaited its own JoinHandle", "in") + ": it would wait for itself for ever. A "
          + "task cannot join itself; return the value instead, or await another task's handle");
    }
    return register(w) ? Poll.pending() : Poll.ready(outcome());
  }

  @Override
  public void forget(Waker waker) {
    forgetWaiter(waker);
  }

  /** Removes {@code waiter} (a Waker or a stage) if it is registered; see the class comment. */
  private void forgetWaiter(Object waiter) {
    Object w;
    // The field held this waiter alone: take it out, unless another CAS changed the field first
    // (then look again). After completion the field is TAKEN, or null if nobody waited.
    while ((w = waiters) == waiter) {
      if (WAITERS.compareAndSet(this, w, null)) {
        return;
      }
    }
    if (w instanceof JoinWaiters several) {
      several.remove(waiter);
    }
  }

  /**
   * Registers a waiter, unless that same one is already registered (see the class comment).
   *
   * @return true if the waiter is registered (now or before); false if the task completed, and
   *     then its outcome is published to this thread
   */
  private boolean register(Object waiter) {
    if (transitionToJoined() != Join.REGISTER) {
      return false;
    }
    JoinWaiters made = null;
    Object madeWith = null;
    while (true) {
      Object w = waiters;
      if (w == TAKEN) {
        return false;
      } else if (w == waiter) {
        return true;
      } else if (w instanceof JoinWaiters several) {
        return several.add(waiter);
      } else if (w == null) {
        if (WAITERS.compareAndSet(this, null, waiter)) {
          return true;
        }
      } else {
        // A second waiter: both move into a JoinWaiters, made once however often the CAS fails.
        // (Which waiter it was made with is kept here, not in the JoinWaiters: a field there
        // would keep the first waiter reachable after it was forgotten, until the task ends.)
        if (made == null || madeWith != w) {
          made = new JoinWaiters(w, waiter);
          madeWith = w;
        }
        if (WAITERS.compareAndSet(this, w, made)) {
          return true;
        }
      }
    }
  }

  /** @return how many wakers and stages wait for the outcome now (for leak tests) */
  int waiterCount() {
    Object w = waiters;
    return isFinished() || w == null || w == TAKEN ? 0
        : w instanceof JoinWaiters several ? several.size() : 1;
  }

  /** @return the value, or throws the failure; only after COMPLETE was read */
  @SuppressWarnings("unchecked")
  private T outcome() {
    Object o = futureThenOutcome;
    if (o instanceof Failure f) {
      f.see();
      if (f.cancelled()) {
        throw new CancelledException(
            "the task " + this + " was cancelled (JoinHandle.abort() or its runtime's shutdown)",
            f.cause());
      }
      throw Sneaky.rethrow(AwaitedAt.note(f.cause(), this)); // only on failure: where awaited
    }
    return (T) o;
  }

  /**
   * Completes the task as cancelled without waiting for it any more: its runtime gave up on it
   * (at the end of its shutdown, or a wake that nothing would ever run). Its future gets one last
   * poll with a cancelled context (so finally blocks that need no await run; what it waited for,
   * a non-cancellable section included, is abandoned and forgets this task's waker), its awaiters
   * are woken, and later wakes do nothing. The cancellation says why and where it waited ({@link
   * GiveUpReason}).
   *
   * @param reason why the runtime gave it up
   */
  void giveUp(GiveUpReason reason) {
    CurrentThreadScheduler local = runtime.localScheduler();
    if (local != null && !local.isDriving()) {
      // A stopped runtime that nobody drives: this thread claims it and completes the task.
      if (local.giveUpStopped(this, reason)) {
        return;
      }
      // Only the driving thread completes a current-thread runtime's task, and it may be polling
      // it now: ask for cancellation, which its next poll delivers (the next wake queues it).
      transitionToCancelRequestedUnqueued();
      return;
    }
    Take take = transitionToTaken();
    if (take == Take.BUSY || take == Take.COMPLETED) {
      return; // a runner gives up on it when its poll ends; or nothing is left to do
    }
    // Where it waited is read before the abandon unwinds its frames.
    CancelledException cancelled = reason.cancellation(toString(), runtime.name(),
        take == Take.TAKEN_STARTED ? polledFuture() : null);
    if (take == Take.TAKEN_STARTED) {
      Cancellation.abandonNow(polledFuture(), this);
    }
    complete(null, cancelled);
  }

  @Override
  public void abort() {
    if (transitionToCancelRequested()) {
      wake();
    }
  }

  @Override
  public boolean isFinished() {
    return isComplete();
  }

  @Override
  public boolean isFailed() {
    if (isFinished() && futureThenOutcome instanceof Failure f && !f.cancelled()) {
      f.see(); // the holder looked: not reported
      return true;
    }
    return false;
  }

  @Override
  public CompletableFuture<T> toCompletableFuture() {
    // A view completed by its holder (cancel, a timeout of orTimeout or completeOnTimeout, a
    // complete by hand) leaves the waiters at once, so a thread that asks for a view and gives it
    // up that way, over and over, piles no views up on a task that runs for long. One given up
    // without completing it (a get(timeout) that timed out) stays until the task ends: the task
    // cannot tell it from a view whose holder dropped it with a callback attached, which must run.
    CompletableFuture<T> cf = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        abort();
        return left(super.cancel(mayInterruptIfRunning));
      }

      @Override
      public boolean complete(T value) {
        return left(super.complete(value));
      }

      @Override
      public boolean completeExceptionally(Throwable ex) {
        return left(super.completeExceptionally(ex));
      }

      /** After this view completed: forgets it (a no-op if the task's completion took it). */
      private boolean left(boolean completedNow) {
        if (completedNow) {
          forgetWaiter(this);
        }
        return completedNow;
      }
    };
    if (!isComplete() && register(cf)) {
      return cf;
    }
    completeStage(cf);
    return cf;
  }

  /** Completes {@code cf} with the outcome; only after COMPLETE was read. */
  @SuppressWarnings("unchecked")
  private void completeStage(CompletableFuture<T> cf) {
    Object o = futureThenOutcome;
    if (o instanceof Failure f) {
      f.see();
      if (f.cancelled()) {
        cf.cancel(false);
      } else {
        cf.completeExceptionally(f.cause());
      }
    } else {
      cf.complete((T) o);
    }
  }

  /** @return the name of the task's runtime, for messages */
  String runtimeName() {
    return runtime.name();
  }

  @Override
  public String toString() {
    return "Task@" + Integer.toHexString(System.identityHashCode(this))
        + (isFinished() ? " (finished)" : "");
  }
}
