// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** Hand-written futures for the runtime's tests. */
final class TestFutures {

  private TestFutures() {}

  /**
   * A multi-threaded runtime's scheduler for model checks that run the task by hand: it puts the
   * woken task into {@code slot}, and fails if the task is queued while it is queued already.
   *
   * @param slot where the queued task goes; the test takes it out to run it
   * @return the builder's {@code scheduler} factory
   */
  static Function<AsyncRuntime, Scheduler> oneTaskSlot(AtomicReference<Task<?>> slot) {
    return rt -> new Scheduler() {
      @Override
      public void schedule(Task<?> t) {
        if (!slot.compareAndSet(null, t)) {
          throw new AssertionError("a task was queued while it was queued already");
        }
      }

      @Override
      public void stop() {}
    };
  }

  /** Pending until completed from any thread; counts polls; dropped when abandoned. */
  static final class Gate<T> implements Future<T>, Droppable {
    final AtomicInteger polls = new AtomicInteger();
    private Waker waker;
    private boolean done;
    private T value;
    private RuntimeException failure;
    volatile boolean dropped;

    /** The thread that dropped it, or null. */
    volatile Thread droppedOn;

    @Override
    public synchronized Poll<T> poll(Context cx) {
      polls.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      if (done) {
        return Poll.ready(value);
      }
      waker = cx.waker();
      return Poll.pending();
    }

    void complete(T v) {
      Waker w;
      synchronized (this) {
        value = v;
        done = true;
        w = waker;
      }
      if (w != null) {
        w.wake();
      }
    }

    void fail(RuntimeException e) {
      Waker w;
      synchronized (this) {
        failure = e;
        w = waker;
      }
      if (w != null) {
        w.wake();
      }
    }

    @Override
    public void drop() {
      droppedOn = Thread.currentThread();
      dropped = true;
    }
  }

  /**
   * A task of {@code runtime} whose future is ready with "ran", listed live as {@code
   * AsyncRuntime.spawn} lists it, but not woken: a model check wakes it itself.
   */
  static Task<String> liveUnwokenTask(AsyncRuntime runtime) {
    Task<String> t = new Task<>(Future.ready("ran"), runtime);
    runtime.liveList().add(t);
    return t;
  }

  /** Ready with {@code value} after returning pending {@code pendings} times, waking itself. */
  static <T> Future<T> readyAfter(int pendings, T value) {
    int[] left = {pendings};
    return cx -> {
      if (left[0]-- > 0) {
        cx.waker().wake();
        return Poll.pending();
      }
      return Poll.ready(value);
    };
  }
}
