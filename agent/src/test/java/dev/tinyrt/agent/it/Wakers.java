// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers to drive futures by hand. */
final class Wakers {

  private Wakers() {}

  /** A waker that counts its wakes. */
  static final class Counting implements Waker {
    final AtomicInteger wakes = new AtomicInteger();
    final Context cx = Context.from(this);

    @Override
    public void wake() {
      wakes.incrementAndGet();
    }

    int count() {
      return wakes.get();
    }

    <T> Poll<T> poll(Future<T> f) {
      return f.poll(cx);
    }
  }

  /**
   * A future that is pending until {@link #complete} or {@link #fail}, then ready (or failing)
   * every time it is polled. Counts its polls. Thread-safe: it may be completed from any thread.
   */
  static final class Gate<T> implements Future<T> {
    private Waker waker;
    private boolean done;
    private T value;
    private Throwable failure;
    int polls;

    @Override
    public synchronized Poll<T> poll(Context cx) {
      polls++;
      if (!done) {
        waker = cx.waker();
        return Poll.pending();
      }
      if (failure != null) {
        throw sneaky(failure);
      }
      return Poll.ready(value);
    }

    void complete(T v) {
      finish(v, null);
    }

    void fail(Throwable t) {
      finish(null, t);
    }

    private void finish(T v, Throwable t) {
      Waker w;
      synchronized (this) {
        value = v;
        failure = t;
        done = true;
        w = waker;
      }
      if (w != null) {
        w.wake();
      }
    }
  }

  /** Throws any throwable unchanged. */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  /** Polls {@code f} until ready, completing nothing: for futures that are all ready. */
  static <T> T runReady(Future<T> f) {
    Poll<T> p = f.poll(Context.from(Waker.noop()));
    if (p.isPending()) {
      throw new AssertionError("expected ready, got pending from " + f);
    }
    return p.get();
  }
}
