// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Waker;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.time.Elapsed;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures what a task's join waiters cost when many wait at once: {@code N} awaits of one
 * unfinished task's handle, each with its own waker, polled once inside a {@code timeout} (or a
 * {@code select} beside a sleep), then all abandoned together when the clock passes their
 * deadline. Prints, per {@code N}, the time per registration and per abandoned join (in the order
 * they registered, and in reverse), and what is left: the handle's waiter count and the abandoned
 * wakers still reachable after a collection (both must be 0). A measurement, not a test: nothing
 * is asserted about time.
 *
 * <pre>
 *   java -cp fuzz/target/tinyrt-fuzz.jar dev.tinyrt.fuzz.rt.JoinWaiterCost [N ...]
 * </pre>
 * (default: 10 1000 100000).
 */
public final class JoinWaiterCost {

  /** How the joins end. */
  private enum Abandon {
    /** A timeout elapses; the joins are abandoned in the order they registered. */
    TIMEOUT_FIFO,
    /** A timeout elapses; the joins are abandoned last registered first. */
    TIMEOUT_LIFO,
    /** A select of the join and a sleep; the sleep wins; in the order they registered. */
    SELECT_FIFO
  }

  private JoinWaiterCost() {}

  /**
   * Runs the measurement.
   *
   * @param args the joiner counts, default 10, 1,000 and 100,000
   */
  public static void main(String[] args) {
    int[] counts = args.length == 0 ? new int[] {10, 1_000, 100_000}
        : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    // Warm up the paths (JIT) on a middle size, not printed.
    for (int i = 0; i < 5; i++) {
      for (Abandon how : Abandon.values()) {
        measure(2_000, how);
      }
    }
    System.out.printf("%-12s %9s %16s %19s %12s %12s%n", "abandon", "joiners", "register ns/join",
        "abandon ns/join", "left waiters", "left wakers");
    for (int n : counts) {
      for (Abandon how : Abandon.values()) {
        int reps = n >= 100_000 ? 1 : n >= 1_000 ? 5 : 200;
        Result best = null;
        for (int r = 0; r < reps; r++) {
          Result res = measure(n, how);
          best = best == null || res.abandonNs() < best.abandonNs() ? res : best;
        }
        System.out.printf("%-12s %,9d %,16.0f %,19.0f %12d %12d%n", how.name().toLowerCase(),
            n, (double) best.registerNs() / n, (double) best.abandonNs() / n,
            best.leftWaiters(), best.leftWakers());
      }
    }
  }

  /**
   * One measurement.
   *
   * @param registerNs time to poll every join once (each registers its waker)
   * @param abandonNs time to poll every join once more after the deadline (each abandons)
   * @param leftWaiters the handle's waiter count afterwards
   * @param leftWakers abandoned wakers still reachable after a collection
   */
  private record Result(long registerNs, long abandonNs, int leftWaiters, int leftWakers) {}

  private static Result measure(int n, Abandon how) {
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().timer(timer).build()) {
      // Spawned and never run: an unfinished task whose handle every join waits for.
      JoinHandle<String> target = rt.spawn(cx -> dev.tinyrt.Poll.pending());
      List<Future<?>> joins = new ArrayList<>(n);
      List<Context> contexts = new ArrayList<>(n);
      List<WeakReference<Waker>> wakers = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Waker w = new Counting();
        wakers.add(new WeakReference<>(w));
        contexts.add(Context.from(w));
        joins.add(how == Abandon.SELECT_FIFO
            ? Futures.select(List.<Future<?>>of(target, timer.sleep(Duration.ofMillis(1))))
            : timer.timeout(target, Duration.ofMillis(1)));
      }
      // Register: every join polled once, each adds its waker.
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (!joins.get(i).poll(contexts.get(i)).isPending()) {
          throw new IllegalStateException("a join of an unfinished task was ready");
        }
      }
      long t1 = System.nanoTime();
      clock.advance(Duration.ofMillis(1));
      // Abandon: every join polled after its deadline, each forgets its waker.
      long t2 = System.nanoTime();
      for (int k = 0; k < n; k++) {
        int i = how == Abandon.TIMEOUT_LIFO ? n - 1 - k : k;
        try {
          joins.get(i).poll(contexts.get(i));
        } catch (Elapsed expected) {
          // The timeout's end: its join was abandoned.
        }
      }
      long t3 = System.nanoTime();
      int leftWaiters = Registered.count(target, "waiterCount");
      joins.clear();
      contexts.clear();
      System.gc();
      int leftWakers = 0;
      for (WeakReference<Waker> w : wakers) {
        leftWakers += w.get() != null ? 1 : 0;
      }
      target.abort();
      return new Result(t1 - t0, t3 - t2, leftWaiters, leftWakers);
    }
  }

  /** A waker that counts nothing: the measurement needs distinct wakers only. */
  private static final class Counting implements Waker {
    @Override
    public void wake() {}
  }
}
