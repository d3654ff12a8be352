// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The starvation, as regression tests: as many tasks as workers that never stop being
 * ready (they yield, or wake themselves, or wake each other) must not keep outside spawns and
 * timer wakes waiting. A timeout in a {@code get} below is the failure, not a wait.
 */
@Timeout(60)
class WorkStealingFairnessTest {

  private static final int WORKERS = 2;

  /** Ready once {@link #stop} is set; until then pending, waking itself inside poll. */
  private static final class SelfWaking implements Future<Void> {
    private final AtomicBoolean stop;
    /** Completed on the first poll: the task occupies its worker. */
    final CompletableFuture<Void> started = new CompletableFuture<>();

    SelfWaking(AtomicBoolean stop) {
      this.stop = stop;
    }

    @Override
    public Poll<Void> poll(Context cx) {
      started.complete(null);
      if (stop.get()) {
        return Poll.ready(null);
      }
      cx.waker().wake();
      return Poll.pending();
    }
  }

  /** Keeps every worker busy with a self-waking task, runs {@code check}, then stops them. */
  private static void whileEveryWorkerSpins(AsyncRuntime rt, ThrowingRunnable check) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<JoinHandle<Void>> spinners = new ArrayList<>();
    try {
      for (int i = 0; i < WORKERS; i++) {
        SelfWaking spinner = new SelfWaking(stop);
        spinners.add(rt.spawn(spinner));
        spinner.started.get(10, TimeUnit.SECONDS);
      }
      check.run();
    } finally {
      stop.set(true);
    }
    for (JoinHandle<Void> s : spinners) {
      s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void anOutsideSpawnRunsWhileEveryWorkerWakesItselfForever() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(WORKERS).build()) {
      whileEveryWorkerSpins(rt, () -> {
        for (int i = 0; i < 100; i++) {
          assertEquals(i, rt.spawn(Future.ready(i)).toCompletableFuture().get(10, TimeUnit.SECONDS));
        }
      });
    }
  }

  @Test
  void aTimerWakeRunsWhileEveryWorkerYieldsForever() throws Exception {
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(WORKERS).timer(timer).build()) {
      whileEveryWorkerSpins(rt, () -> {
        Future<Void> sleep = timer.sleep(Duration.ofMillis(10));
        CompletableFuture<Void> registered = new CompletableFuture<>();
        JoinHandle<String> sleeper = rt.spawn(cx -> {
          Poll<Void> p = sleep.poll(cx);
          registered.complete(null);
          return p.isReady() ? Poll.ready("slept") : Poll.pending();
        });
        registered.get(10, TimeUnit.SECONDS);
        clock.advance(Duration.ofMillis(10));
        assertEquals("slept", sleeper.toCompletableFuture().get(10, TimeUnit.SECONDS));
      });
    }
  }

  @Test
  void twoTasksWakingEachOtherOnOneWorkerLetAnOutsideSpawnRun() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(1).build()) {
      AtomicBoolean stop = new AtomicBoolean();
      // A and B wake each other from inside their polls: each wake lands in the LIFO slot.
      Waker[] wakers = new Waker[2];
      CompletableFuture<Void> bothStarted = new CompletableFuture<>();
      List<JoinHandle<Void>> pair = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int me = i;
        pair.add(rt.spawn(cx -> {
          synchronized (wakers) {
            wakers[me] = cx.waker();
            if (wakers[1 - me] == null) {
              return Poll.pending();
            }
          }
          bothStarted.complete(null);
          if (stop.get()) {
            wakers[1 - me].wake();
            return Poll.ready(null);
          }
          wakers[1 - me].wake();
          return Poll.pending();
        }));
      }
      bothStarted.get(10, TimeUnit.SECONDS);
      try {
        assertEquals("ran", rt.spawn(Future.ready("ran")).toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
      } finally {
        stop.set(true);
      }
      for (JoinHandle<Void> h : pair) {
        h.toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aYieldingTaskGoesBehindTheTasksReadyOnItsWorker() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(1).build()) {
      List<String> order = new ArrayList<>();
      JoinHandle<Void> parent = rt.spawn(new Future<Void>() {
        boolean yielded;

        @Override
        public Poll<Void> poll(Context cx) {
          synchronized (order) {
            if (!yielded) {
              yielded = true;
              for (int i = 0; i < 3; i++) {
                String name = "child" + i;
                Tasks.spawn(cx2 -> {
                  synchronized (order) {
                    order.add(name);
                  }
                  return Poll.ready(null);
                });
              }
              cx.waker().wake();
              return Poll.pending();
            }
            order.add("parent");
            return Poll.ready(null);
          }
        }
      });
      parent.toCompletableFuture().get(10, TimeUnit.SECONDS);
      synchronized (order) {
        assertEquals("parent", order.get(order.size() - 1), order.toString());
        assertEquals(4, order.size());
      }
    }
  }

  @Test
  void workerThreadsAreGoneAfterClose() throws Exception {
    AsyncRuntime rt = AsyncRuntime.builder().multiThread(WORKERS).name("ws-close-test").build();
    assertEquals(7, rt.blockOn(rt.spawn(Future.ready(7))));
    List<Thread> workers = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("ws-close-test-worker-")) {
        workers.add(t);
      }
    }
    assertEquals(WORKERS, workers.size());
    rt.close();
    for (Thread t : workers) {
      t.join(TimeUnit.SECONDS.toMillis(10));
      assertTrue(!t.isAlive(), t + " is still alive after close");
    }
  }
}
