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
import dev.tinyrt.internal.Sneaky;
import java.lang.ref.Reference;
import java.util.concurrent.CompletableFuture;

/**
 * A spawned future plus a little state: tokio's task, in one object of 32 bytes (header 12, four
 * references and two ints with compressed oops). The task is its own waker, its own context, its
 * own join handle and an entry of its runtime's live list ({@link TaskList}, which it knows by
 * index, not by links). Waking it puts it in its runtime's run queue, unless it is already there
 * or running (then it is polled again once the current poll ends), or finished.
 *
 * <p>One field serves two phases: until the task completes it holds who waits for the outcome,
 * from then on the outcome itself ({@link #waitersThenOutcome}). Both change under the task's
 * lock, and COMPLETE is set under that lock too, so whoever holds the lock knows which one it sees.
 *
 * <p>What users hold is not what the scheduler runs: as a {@link JoinHandle} the task can be
 * awaited by any number of tasks and threads at once (each waker is kept, once), and {@link #run()}
 * refuses to poll unless the scheduler took the task from its queue, so a handle cast to {@code
 * Runnable} can never poll the future, let alone twice at once.
 *
 * @param <T> the future's value type
 */
final class Task<T> extends TaskState
    implements JoinHandle<T>, Runnable, Waker, ForgetsWaker {

  /** The future this task drives; null once it completed, so it can be collected. */
  private Future<T> future;

  /** The runtime that owns the task. */
  private final AsyncRuntime runtime;

  /**
   * Before COMPLETE, who waits for the outcome: null, a Waker, a CompletableFuture, or {@link
   * JoinWaiters} holding several of them, each once (by identity), guarded by this. From COMPLETE on, the value
   * or a {@link Failure}: written under this lock before COMPLETE, so a reader that saw COMPLETE
   * (a volatile read) sees it.
   */
  private Object waitersThenOutcome;

  /** Where the task sits in its runtime's {@link TaskList}; written by the list, under its locks. */
  int liveSlot;

  /** A failed or cancelled outcome. */
  private record Failure(Throwable cause, boolean cancelled) {}

  Task(Future<T> future, AsyncRuntime runtime) {
    this.future = future;
    this.runtime = runtime;
  }

  /** @return the future the task drives, null once it completed: for {@link TaskDump} */
  Future<T> future() {
    return future;
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
        ? waitersThenOutcome instanceof Failure f && f.cancelled()
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
   * from its queue (a current-thread runtime's driver calls {@link #runLocal}).
   *
   * @throws IllegalStateException if the task was not scheduled (a {@code JoinHandle} cast to
   *     {@code Runnable}): the runtime runs its tasks; await the handle instead
   */
  @Override
  public void run() {
    if (runtime.localScheduler() != null) {
      throw notScheduled(); // only its driving thread polls a current-thread runtime's task
    }
    Start start = transitionToRunning();
    if (start == Start.COMPLETED) {
      return;
    }
    if (start == Start.NOT_SCHEDULED) {
      throw notScheduled();
    }
    Context cx = LostWakers.ENABLED ? LostWakers.context(this) : this; // off: no code
    if (pollOnce(start, cx)) {
      parked(transitionToIdle(), cx, null);
    }
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
      giveUp(); // the runtime's shutdown gave up on its live tasks while this one ran
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
      poll = SlowPolls.ENABLED ? SlowPolls.poll(future, cx, this) : future.poll(cx);
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

  /** Stores the outcome and tells every awaiter; the caller holds RUNNING or LOCAL_RUNNING. */
  private void complete(T v, Throwable t) {
    boolean byCancellation = t instanceof CancelledException && isCancelRequested();
    Object outcome = t == null ? v : new Failure(t, byCancellation);
    future = null;
    // Out of the live list first: whoever sees the task finished sees it no longer live. But for
    // the drive loop of a current-thread runtime, which takes its completed tasks out in batches:
    // until then they count as live, though a snapshot leaves them out.
    CurrentThreadScheduler local = runtime.localScheduler();
    if (local == null || !local.finishedLater(this)) {
      runtime.finished(this);
    }
    Object toNotify;
    synchronized (this) {
      // The waiters give way to the outcome, and COMPLETE says which one the field holds: both
      // under the lock, so a waiter added under it is either taken here or sees COMPLETE.
      toNotify = waitersThenOutcome;
      waitersThenOutcome = outcome;
      transitionToComplete();
    }
    if (toNotify instanceof JoinWaiters several) {
      for (Object w : several.toArray()) {
        notifyOne(w);
      }
    } else if (toNotify != null) {
      notifyOne(toNotify);
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
    if (!isFinished()) {
      synchronized (this) {
        if (!isFinished()) {
          addWaiter(cx.waker());
          return Poll.pending();
        }
      }
    }
    return Poll.ready(outcome());
  }

  @Override
  public void forget(Waker waker) {
    synchronized (this) {
      if (isFinished()) {
        return; // the field holds the outcome; the waiters were let go at completion
      }
      Object waiters = waitersThenOutcome;
      if (waiters == waker) {
        waitersThenOutcome = null;
      } else if (waiters instanceof JoinWaiters several) {
        several.remove(waker);
      }
    }
  }

  /** Adds a waiter, unless that same one is already registered. Lock held, not COMPLETE. */
  private void addWaiter(Object waiter) {
    Object waiters = waitersThenOutcome;
    if (waiters == null) {
      waitersThenOutcome = waiter;
    } else if (waiters instanceof JoinWaiters several) {
      several.add(waiter);
    } else if (waiters != waiter) {
      waitersThenOutcome = new JoinWaiters(waiters, waiter);
    }
  }

  /** @return how many wakers and stages wait for the outcome now (for leak tests) */
  synchronized int waiterCount() {
    Object waiters = waitersThenOutcome;
    return isFinished() || waiters == null ? 0
        : waiters instanceof JoinWaiters several ? several.size() : 1;
  }

  @SuppressWarnings("unchecked")
  private T outcome() {
    Object o = waitersThenOutcome;
    if (o instanceof Failure f) {
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
   * Completes the task as cancelled without waiting for it any more: its runtime gave up on it at
   * the end of its shutdown. Its future gets one last poll with a cancelled context (so finally
   * blocks that need no await run), its awaiters are woken, and later wakes do nothing.
   */
  void giveUp() {
    CurrentThreadScheduler local = runtime.localScheduler();
    if (local != null && !local.isDriving()) {
      // A stopped runtime that nobody drives: this thread claims it and completes the task.
      if (local.giveUpStopped(this)) {
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
    if (take == Take.TAKEN_STARTED) {
      Cancellation.abandonNow(future);
    }
    complete(null, new CancelledException("the task was cancelled by its runtime's shutdown, "
        + "which gave up waiting for it to unwind"));
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
    return isFinished() && waitersThenOutcome instanceof Failure f && !f.cancelled();
  }

  @Override
  public CompletableFuture<T> toCompletableFuture() {
    CompletableFuture<T> cf = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        abort();
        return super.cancel(mayInterruptIfRunning);
      }
    };
    if (!isFinished()) {
      synchronized (this) {
        if (!isFinished()) {
          addWaiter(cf);
          return cf;
        }
      }
    }
    completeStage(cf);
    return cf;
  }

  @SuppressWarnings("unchecked")
  private void completeStage(CompletableFuture<T> cf) {
    Object o = waitersThenOutcome;
    if (o instanceof Failure f) {
      if (f.cancelled()) {
        cf.cancel(false);
      } else {
        cf.completeExceptionally(f.cause());
      }
    } else {
      cf.complete((T) o);
    }
  }

  @Override
  public String toString() {
    return "Task@" + Integer.toHexString(System.identityHashCode(this))
        + (isFinished() ? " (finished)" : "");
  }
}
