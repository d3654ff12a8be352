// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.ForwardsCancellation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A spawned future plus a little state: tokio's task, in one file. The task is its own waker:
 * waking it puts it in its runtime's run queue, unless it is already there or running (then it is
 * polled again once the current poll ends), or finished.
 *
 * @param <T> the future's value type
 */
final class Task<T> implements Runnable, Waker, BooleanSupplier {

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

  /** The context every poll gets: this task as waker and as cancellation flag. */
  private final Context cx;

  /** Whether the future was polled at least once (only the polling worker reads or writes it). */
  private boolean started;

  /** The value, when the future returned ready. Published by the write of COMPLETE. */
  private T value;

  /** The failure, when the future threw; a CancelledException when the task was cancelled. */
  private Throwable failure;

  /** Whether the task ended by cancellation. */
  private boolean cancelled;

  /** The waker of the task awaiting the JoinHandle, if any. Guarded by this. */
  private Waker joinWaker;

  /** CompletableFutures to complete with the outcome. Guarded by this. */
  private List<CompletableFuture<T>> listeners;

  /** A number for messages. */
  final long id;

  Task(Future<T> future, AsyncRuntime runtime, long id) {
    this.future = future;
    this.runtime = runtime;
    this.id = id;
    this.cx = Context.from(this, this);
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

  /** The cancellation flag the context reports. */
  @Override
  public boolean getAsBoolean() {
    return (state & CANCEL_REQUESTED) != 0;
  }

  // Running.

  @Override
  public void run() {
    int s = state;
    while (true) {
      if ((s & COMPLETE) != 0) {
        return;
      }
      int witness = (int) STATE.compareAndExchange(this, s, (s & ~SCHEDULED) | RUNNING);
      if (witness == s) {
        break;
      }
      s = witness;
    }
    // A task cancelled before its first poll never runs: no code of it started, none to unwind.
    // A future that cannot unwind itself (not an async method or combinator) is dropped.
    if ((s & CANCEL_REQUESTED) != 0 && (!started || !(future instanceof ForwardsCancellation))) {
      if (future instanceof Droppable droppable) {
        droppable.drop();
      }
      complete(null, new CancelledException(
          "task " + id + " was cancelled" + (started ? "" : " before it started")));
      return;
    }
    started = true;
    Poll<T> poll;
    AsyncRuntime previous = AsyncRuntime.enter(runtime);
    try {
      poll = future.poll(cx);
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
          runtime.schedule(this);
        }
        return;
      }
      s = witness;
    }
  }

  private void complete(T v, Throwable t) {
    boolean byCancellation = t instanceof CancelledException && getAsBoolean();
    value = v;
    failure = t;
    cancelled = byCancellation;
    future = null;
    // Ordering: the volatile read-modify-write publishes the outcome fields to readers of state.
    STATE.getAndBitwiseOr(this, COMPLETE);
    Waker w;
    List<CompletableFuture<T>> toComplete;
    synchronized (this) {
      w = joinWaker;
      joinWaker = null;
      toComplete = listeners;
      listeners = null;
    }
    if (w != null) {
      w.wake();
    }
    if (toComplete != null) {
      for (CompletableFuture<T> cf : toComplete) {
        completeStage(cf);
      }
    }
    runtime.finished(this);
  }

  // What JoinHandle asks.

  /** Requests cancellation; delivered at the task's next poll. */
  void abort() {
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

  boolean isComplete() {
    return (state & COMPLETE) != 0;
  }

  boolean isCancelled() {
    return isComplete() && cancelled;
  }

  boolean isFailed() {
    return isComplete() && !cancelled && failure != null;
  }

  /** The outcome as a poll result: the value, or the failure thrown. */
  Poll<T> pollOutcome(Waker waker) {
    if (!isComplete()) {
      synchronized (this) {
        if (!isComplete()) {
          joinWaker = waker;
          return Poll.pending();
        }
      }
    }
    return Poll.ready(outcome());
  }

  private T outcome() {
    if (cancelled) {
      throw new CancelledException("task " + id + " was cancelled");
    }
    if (failure != null) {
      throw dev.tinyrt.internal.Sneaky.rethrow(failure);
    }
    return value;
  }

  void addListener(CompletableFuture<T> cf) {
    if (!isComplete()) {
      synchronized (this) {
        if (!isComplete()) {
          if (listeners == null) {
            listeners = new ArrayList<>(1);
          }
          listeners.add(cf);
          return;
        }
      }
    }
    completeStage(cf);
  }

  private void completeStage(CompletableFuture<T> cf) {
    if (cancelled) {
      cf.cancel(false);
    } else if (failure != null) {
      cf.completeExceptionally(failure);
    } else {
      cf.complete(value);
    }
  }

  @Override
  public String toString() {
    return "Task " + id + (isComplete() ? " (complete)" : "");
  }
}
