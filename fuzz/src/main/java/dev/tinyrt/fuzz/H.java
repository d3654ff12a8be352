// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What generated programs call: futures of values that complete now or later, failing futures,
 * an ordered log of side effects, and small pure helpers. Shared by both runs of a program: in
 * the rewritten run futures complete later on another thread, in random order; in the reference
 * run every future is complete at once and {@link Blocking#await} just takes its value.
 */
public final class H {

  /** The failure generated programs throw and catch. */
  public static final class Fail extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Fail(String message) {
      super(message, null, false, false);
    }
  }

  /** A value object built with awaited constructor arguments. */
  public static final class Box {
    private final int a;
    private final long b;

    public Box(int a, long b) {
      this.a = a;
      this.b = b;
    }

    public long sum() {
      return a * 31L + b;
    }
  }

  /** The side effects, in order. */
  private final StringBuilder log = new StringBuilder();

  /** Whether futures complete later (the rewritten run) or at once (the reference). */
  private final boolean later;

  /** Completes pending futures in random order, on its own thread. */
  private final Completer completer;

  private H(boolean later, long seed) {
    this.later = later;
    this.completer = later ? new Completer(seed) : null;
  }

  /** @return a harness for the rewritten run: futures complete later, in random order */
  public static H real(long seed) {
    return new H(true, seed);
  }

  /** @return a harness for the reference run: futures are complete at once */
  public static H reference() {
    return new H(false, 0);
  }

  /** Records a side effect. */
  public void log(String entry) {
    synchronized (log) {
      log.append(entry).append('\n');
    }
  }

  /** @return everything logged */
  public String logged() {
    synchronized (log) {
      return log.toString();
    }
  }

  /** Stops the completer thread. */
  public void close() {
    if (completer != null) {
      completer.stop();
    }
  }

  public Future<Integer> laterI(int v) {
    return make(v, null);
  }

  public Future<Long> laterJ(long v) {
    return make(v, null);
  }

  public Future<Double> laterD(double v) {
    return make(v, null);
  }

  public Future<Boolean> laterZ(boolean v) {
    return make(v, null);
  }

  public Future<String> laterS(String v) {
    return make(v, null);
  }

  /** @return a future that fails with {@link Fail} */
  public Future<Integer> failI(String message) {
    return make(null, new Fail(message));
  }

  private <T> Future<T> make(T value, Fail failure) {
    if (!later || ThreadLocalRandom.current().nextInt(4) == 0) {
      return failure == null ? Future.ready(value) : cx -> {
        throw failure;
      };
    }
    Pending<T> p = new Pending<>(value, failure);
    completer.add(p);
    return p;
  }

  public static int mixI(int a, int b) {
    return a * 7 - b;
  }

  public static long mixJ(long a, long b) {
    return a * 3 + (b ^ 5);
  }

  public static double mixD(double a, double b) {
    return a * 0.5 + b;
  }

  public static String mixS(String a, int b) {
    return (a.length() > 12 ? a.substring(0, 12) : a) + b;
  }

  /** A future completed by the completer thread. */
  static final class Pending<T> implements Future<T> {
    private final T value;
    private final Fail failure;
    private volatile boolean done;
    private volatile Waker waker;

    Pending(T value, Fail failure) {
      this.value = value;
      this.failure = failure;
    }

    @Override
    public Poll<T> poll(Context cx) {
      if (!done) {
        waker = cx.waker();
        // Ordering: complete() sets done before reading waker; one of us sees the other.
        if (!done) {
          return Poll.pending();
        }
      }
      if (failure != null) {
        throw failure;
      }
      return Poll.ready(value);
    }

    void complete() {
      done = true;
      Waker w = waker;
      if (w != null) {
        w.wake();
      }
    }
  }

  /** A thread completing pending futures in random order. */
  private static final class Completer implements Runnable {
    private final List<Pending<?>> pending = new ArrayList<>();
    private final Random random;
    private final Thread thread;
    private boolean stopped;

    Completer(long seed) {
      this.random = new Random(seed);
      this.thread = new Thread(this, "fuzz-completer");
      thread.setDaemon(true);
      thread.start();
    }

    synchronized void add(Pending<?> p) {
      pending.add(p);
      notifyAll();
    }

    synchronized void stop() {
      stopped = true;
      notifyAll();
    }

    @Override
    public void run() {
      while (true) {
        Pending<?> next;
        synchronized (this) {
          while (pending.isEmpty() && !stopped) {
            try {
              wait();
            } catch (InterruptedException e) {
              return;
            }
          }
          if (stopped) {
            return;
          }
          next = pending.remove(random.nextInt(pending.size()));
        }
        next.complete();
      }
    }
  }
}
