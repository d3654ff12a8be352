// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.WorkerPool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tasks queued behind a long poll, on a work-stealing runtime of two workers: one worker runs a
 * task that wakes itself forever (busy, so it never searches for work); each round spawns, from
 * outside, one task whose single poll spins for up to {@value #LONG_POLL_MS} ms and {@value
 * #SHORT} short tasks, and times how long until every short task ran. A worker takes a batch of
 * the injection queue into its own queue; if the long poll is the first of that batch, the short
 * ones behind it wait for it unless the busy worker takes them (see {@code
 * Worker#stealFromStalled}). The long poll ends as soon as the short ones are done, so a round
 * lasts what they waited.
 *
 * <p>{@code java -cp tinyrt-benchmarks.jar dev.tinyrt.bench.LongPollProbe ROUNDS [lifo]}; prints
 * the median, min and max in milliseconds and how many rounds waited longer than {@value
 * #WAITED_MS} ms.
 */
public final class LongPollProbe {

  private LongPollProbe() {}

  /** How long the long poll spins at most. */
  static final long LONG_POLL_MS = 50;

  /** The short tasks spawned behind it each round. */
  static final int SHORT = 16;

  /** A round longer than this waited for the long poll. */
  static final long WAITED_MS = 40;

  /**
   * @param args ROUNDS, and {@code lifo} for the LIFO case: instead of spawning short tasks, the
   *     long poll wakes one parked task from its own worker's thread (a message sent before a long
   *     computation), which goes to that worker's LIFO slot; the round times until it ran
   */
  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    boolean lifo = args.length > 1 && args[1].equals("lifo");
    List<Double> ms = new ArrayList<>();
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(2)
        .workerPool(WorkerPool.WORK_STEALING).build()) {
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch started = new CountDownLatch(1);
      JoinHandle<Void> busy = rt.spawn(cx -> {
        started.countDown();
        if (stop.get()) {
          return Poll.ready(null);
        }
        cx.waker().wake();
        return Poll.pending();
      });
      started.await();
      for (int r = 0; r < rounds; r++) {
        if (lifo) {
          ms.add(lifoRound(rt));
          continue;
        }
        CountDownLatch shortsDone = new CountDownLatch(SHORT);
        long t0 = System.nanoTime();
        JoinHandle<Void> longPoll = rt.spawn(cx -> {
          long end = System.nanoTime() + LONG_POLL_MS * 1_000_000;
          while (System.nanoTime() < end && shortsDone.getCount() > 0) {
            Thread.onSpinWait();
          }
          return Poll.ready(null);
        });
        for (int i = 0; i < SHORT; i++) {
          rt.spawn(cx -> {
            shortsDone.countDown();
            return Poll.ready(null);
          });
        }
        shortsDone.await();
        ms.add((System.nanoTime() - t0) / 1e6);
        longPoll.toCompletableFuture().join(); // the next round starts with its worker free
      }
      stop.set(true);
      busy.toCompletableFuture().join();
    }
    Collections.sort(ms);
    String what = lifo ? "the woken task ran after" : "every short task ran after";
    System.out.printf(Locale.ROOT, what + " (ms): median %.3f, min %.3f,"
        + " max %.3f; %d of %d rounds waited over %d ms%n", ms.get(ms.size() / 2), ms.get(0),
        ms.get(ms.size() - 1), ms.stream().filter(x -> x > WAITED_MS).count(), ms.size(),
        WAITED_MS);
  }

  /**
   * One round of the LIFO case: a task parks, then a long poll wakes it and spins until it ran or
   * {@value #LONG_POLL_MS} ms passed.
   *
   * @return milliseconds from the long poll's spawn until the woken task ran
   */
  private static double lifoRound(AsyncRuntime rt) throws InterruptedException {
    AtomicReference<Waker> parkedWaker = new AtomicReference<>();
    AtomicBoolean woken = new AtomicBoolean();
    CountDownLatch parked = new CountDownLatch(1);
    CountDownLatch ran = new CountDownLatch(1);
    rt.spawn(cx -> {
      if (woken.get()) {
        ran.countDown();
        return Poll.ready(null);
      }
      parkedWaker.set(cx.waker());
      parked.countDown();
      return Poll.pending();
    });
    parked.await();
    long t0 = System.nanoTime();
    JoinHandle<Void> longPoll = rt.spawn(cx -> {
      woken.set(true);
      parkedWaker.get().wake(); // on this worker's thread: into its LIFO slot
      long end = System.nanoTime() + LONG_POLL_MS * 1_000_000;
      while (System.nanoTime() < end && ran.getCount() > 0) {
        Thread.onSpinWait();
      }
      return Poll.ready(null);
    });
    ran.await();
    double waited = (System.nanoTime() - t0) / 1e6;
    longPoll.toCompletableFuture().join(); // the next round starts with its worker free
    return waited;
  }
}
