// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.ForwardsCancellation;
import dev.tinyrt.internal.Sneaky;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A spawned future plus a little state: tokio's task, in one object of 40 bytes. The task is its
 * own waker, its own context, its own join handle and a node of its runtime's live list. Waking it
 * puts it in its runtime's run queue, unless it is already there or running (then it is polled
 * again once the current poll ends), or finished.
 *
 * @param <T> the future's value type
 */
final class Task<T> extends Context implements JoinHandle<T>, Runnable, Waker {

  /**
   * Set while the task is in a run queue, or about to be. Set only by a wake that found the task
   * idle; cleared by the worker that starts polling it.
   */
  static final int SCHEDULED = 1;

  /** Set while a worker polls the task's future. Never set together with SCHEDULED. */
  static final int RUNNING = 1 << 1;

  /** Set by a wake that came while RUNNING: the worker polls again when the current poll ends. */
  static final int NOTIFIED = 1 << 2;

  /** Set once the outcome is stored. Final: a completed task is never scheduled again. */
  static final int COMPLETE = 1 << 3;

  /** Set by {@link #abort()}; the next poll delivers the cancellation. Never cleared. */
  static final int CANCEL_REQUESTED = 1 << 4;

  /** Set by the first poll. Only the polling worker sets it. */
  static final int STARTED = 1 << 5;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The state bits above. */
  private volatile int state;

  /** The future this task drives; null once it completed, so it can be collected. */
  private Future<T> future;

  /** The runtime that owns the task. */
  private final AsyncRuntime runtime;

  /** The value, or a {@link Failure}. Published by the write of COMPLETE. */
  private Object outcome;

  /** Who waits for the outcome: a Waker, a CompletableFuture, or a List of them. Guarded by this. */
  private Object waiters;

  /** Links of the runtime's live list. Guarded by the list's shard. */
  Task<?> prev;

  Task<?> next;

  /** A failed or cancelled outcome. */
  private record Failure(Throwable cause, boolean cancelled) {}

  Task(Future<T> future, AsyncRuntime runtime) {
    this.future = future;
    this.runtime = runtime;
  }

  // Context.

  @Override
  public Waker waker() {
    return this;
  }

  @Override
  public boolean isCancelled() {
    int s = state;
    // A finished task reports whether it ended cancelled; a running one, whether it was asked to.
    return (s & COMPLETE) != 0
        ? outcome instanceof Failure f && f.cancelled()
        : (s & CANCEL_REQUESTED) != 0;
  }

  // Waker.

  @Override
  public void wake() {
    int s = state;
    while (true) {
      // If the task completed, or is already queued, there is nothing to do.
      if ((s & (COMPLETE | SCHEDULED)) != 0) {
        return;
      }
      // If it is running, ask for another poll after this one.
      if ((s & RUNNING) != 0) {
        if ((s & NOTIFIED) != 0) {
          return;
        }
        int witness = (int) STATE.compareAndExchange(this, s, s | NOTIFIED);
        if (witness == s) {
          return;
        }
        s = witness;
        continue;
      }
      // It is idle: queue it. Ordering: the CAS is a volatile write, so whatever the waking
      // thread wrote before wake() is visible to the worker that reads the state to run it.
      int witness = (int) STATE.compareAndExchange(this, s, s | SCHEDULED);
      if (witness == s) {
        runtime.schedule(this);
        return;
      }
      s = witness;
    }
  }

  // Running.

  @Override
  public void run() {
    int s = state;
    while (true) {
      if ((s & COMPLETE) != 0) {
        return;
      }
      int witness =
          (int) STATE.compareAndExchange(this, s, (s & ~SCHEDULED) | RUNNING | STARTED);
      if (witness == s) {
        break;
      }
      s = witness;
    }
    boolean started = (s & STARTED) != 0;
    // A task cancelled before its first poll never runs: no code of it started, none to unwind.
    // A future that cannot unwind itself (not an async method or combinator) is dropped.
    if ((s & CANCEL_REQUESTED) != 0 && (!started || !(future instanceof ForwardsCancellation))) {
      if (future instanceof Droppable droppable) {
        droppable.drop();
      }
      complete(null, new CancelledException(
          "the task was cancelled" + (started ? "" : " before it started")));
      return;
    }
    Poll<T> poll;
    AsyncRuntime previous = AsyncRuntime.enter(runtime);
    try {
      poll = future.poll(this);
    } catch (Throwable t) {
      complete(null, t);
      return;
    } finally {
      AsyncRuntime.leave(previous);
    }
    if (poll.isReady()) {
      complete(poll.get(), null);
      return;
    }
    // Pending: leave RUNNING; if woken meanwhile, go back to the queue at once.
    s = state;
    while (true) {
      int next = (s & NOTIFIED) != 0 ? (s & ~(RUNNING | NOTIFIED)) | SCHEDULED : s & ~RUNNING;
      int witness = (int) STATE.compareAndExchange(this, s, next);
      if (witness == s) {
        if ((next & SCHEDULED) != 0) {
          // Woken while it ran (a yield, a self-wake): behind everything ready now.
          runtime.scheduleYielded(this);
        }
        return;
      }
      s = witness;
    }
  }

  private void complete(T v, Throwable t) {
    boolean byCancellation = t instanceof CancelledException && (state & CANCEL_REQUESTED) != 0;
    outcome = t == null ? v : new Failure(t, byCancellation);
    future = null;
    // Ordering: the volatile read-modify-write publishes the outcome to readers of state.
    STATE.getAndBitwiseOr(this, COMPLETE);
    Object toNotify;
    synchronized (this) {
      toNotify = waiters;
      waiters = null;
    }
    if (toNotify instanceof List<?> list) {
      for (Object w : list) {
        notifyOne(w);
      }
    } else if (toNotify != null) {
      notifyOne(toNotify);
    }
    runtime.finished(this);
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

  /** Adds a waiter; a waker replaces an earlier waker (one task awaits a handle at a time). Lock held. */
  @SuppressWarnings("unchecked")
  private void addWaiter(Object waiter) {
    if (waiters == null || (waiter instanceof Waker && waiters instanceof Waker)) {
      waiters = waiter;
    } else if (waiters instanceof List<?> list) {
      ((List<Object>) list).add(waiter);
    } else {
      List<Object> list = new ArrayList<>(2);
      list.add(waiters);
      list.add(waiter);
      waiters = list;
    }
  }

  @SuppressWarnings("unchecked")
  private T outcome() {
    Object o = outcome;
    if (o instanceof Failure f) {
      if (f.cancelled()) {
        throw new CancelledException("the task was cancelled: " + f.cause().getMessage());
      }
      throw Sneaky.rethrow(f.cause());
    }
    return (T) o;
  }

  @Override
  public void abort() {
    int s = state;
    while ((s & (COMPLETE | CANCEL_REQUESTED)) == 0) {
      int witness = (int) STATE.compareAndExchange(this, s, s | CANCEL_REQUESTED);
      if (witness == s) {
        wake();
        return;
      }
      s = witness;
    }
  }

  @Override
  public boolean isFinished() {
    return (state & COMPLETE) != 0;
  }

  @Override
  public boolean isFailed() {
    return isFinished() && outcome instanceof Failure f && !f.cancelled();
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
    Object o = outcome;
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
