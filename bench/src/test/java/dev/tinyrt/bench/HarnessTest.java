// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.sync.Oneshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark harness's own promises: a round counts only tasks that finished with the right
 * value, every latency is timed after the event it follows, a ratio is never taken of a starved
 * round, and a value that is not a number is said, not dropped. The yield, ratio and not-a-number
 * tests fail with the harness as it was before (checked by planting the old code back); the
 * outcome check is new, and its tests make it accept and refuse; the carts test runs the real
 * scenarios small, so that a check refusing a correct cart would fail it.
 */
@Timeout(120)
class HarnessTest {

  @AfterEach
  void forget() {
    BenchMain.forgetRows();
  }

  /** A current-thread runtime's tasks, each spawned and driven until the runtime is idle. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static JoinHandle<Integer>[] finished(AsyncRuntime rt, List<Future<Integer>> futures) {
    JoinHandle<Integer>[] handles = new JoinHandle[futures.size()];
    for (int i = 0; i < handles.length; i++) {
      handles[i] = rt.spawn(futures.get(i));
    }
    rt.blockOn(rt.spawn(Future.ready(0))); // runs every task queued before it
    return handles;
  }

  @Test
  void checkFinishedAcceptsTasksThatFinishedWithTheirValues() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      JoinHandle<Integer>[] tasks =
          finished(rt, List.of(Future.ready(0), Future.ready(1), Future.ready(2)));
      Measure.checkFinished("task", tasks, i -> i, Duration.ZERO);
    }
  }

  @Test
  void checkFinishedRefusesAWrongValue() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      JoinHandle<Integer>[] tasks = finished(rt, List.of(Future.ready(0), Future.ready(7)));
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> Measure.checkFinished("task", tasks, i -> i, Duration.ZERO));
      assertTrue(e.getMessage().startsWith("task 1 of 2 did not finish with 1"), e.getMessage());
    }
  }

  @Test
  void checkFinishedRefusesATaskStillWaiting() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      Oneshot.Channel<Integer> never = Oneshot.channel();
      JoinHandle<Integer>[] tasks = finished(rt, List.of(never.receiver()));
      assertThrows(IllegalStateException.class, () -> Measure.checkFinished("task", tasks, i -> i, Duration.ZERO));
      never.sender().send(0);
    }
  }

  @Test
  void checkFinishedRefusesACancelledTask() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      Oneshot.Channel<Integer> never = Oneshot.channel();
      JoinHandle<Integer>[] tasks = finished(rt, List.of(never.receiver()));
      tasks[0].abort();
      rt.blockOn(rt.spawn(Future.ready(0)));
      assertTrue(tasks[0].isCancelled());
      assertThrows(IllegalStateException.class, () -> Measure.checkFinished("task", tasks, i -> i, Duration.ZERO));
    }
  }

  @Test
  void checkFinishedRefusesAFailedTask() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      Future<Integer> failing = cx -> {
        throw new ArithmeticException("planted");
      };
      JoinHandle<Integer>[] tasks = finished(rt, List.of(failing));
      assertTrue(tasks[0].isFailed());
      assertThrows(IllegalStateException.class, () -> Measure.checkFinished("task", tasks, i -> i, Duration.ZERO));
    }
  }

  /** A handle not finished when first looked at: finishes once its future is asked for. */
  private static final class LateHandle implements JoinHandle<Integer> {
    private volatile boolean finished;

    @Override
    public Poll<Integer> poll(Context cx) {
      return finished ? Poll.ready(0) : Poll.pending();
    }

    @Override
    public void abort() {}

    @Override
    public boolean isFinished() {
      return finished;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public boolean isFailed() {
      return false;
    }

    @Override
    public CompletableFuture<Integer> toCompletableFuture() {
      finished = true; // as a worker finishing the task while the checker waits
      return CompletableFuture.completedFuture(0);
    }
  }

  /** A worker marks a task complete just after it left the live count: the check waits for it. */
  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void checkFinishedWaitsWithinItsGraceForATaskStillFinishing() {
    JoinHandle<Integer>[] late = new JoinHandle[] {new LateHandle()};
    Measure.checkFinished("task", late, i -> 0, Duration.ofSeconds(30));
    JoinHandle<Integer>[] notWaitedFor = new JoinHandle[] {new LateHandle()};
    assertThrows(IllegalStateException.class,
        () -> Measure.checkFinished("task", notWaitedFor, i -> 0, Duration.ZERO));
  }

  /** The carts scenario, run small through the same code the benchmark runs, with its checks. */
  @Test
  void cartsFinishWithTheirTotals() throws Exception {
    for (String contender : List.of("tinyrt-async", "tinyrt-hand", "tinyrt-same-thread",
        "completable-future", "kotlin-coroutines")) {
      Map<String, Double> m = CartScenario.run(contender, 2_000);
      assertTrue(m.get("first_send_to_done_ms") > 0, contender + ": " + m);
    }
  }

  /** Kotlin's woken coroutine read the clock before it awaited the send (negative latencies). */
  @Test
  void yieldStarvationLatenciesAreTimedAfterTheSend() throws Exception {
    for (String contender : List.of("kotlin-default", "tinyrt-WORK_STEALING")) {
      long[] latencies = YieldStarvation.run(contender, 30, 2);
      for (long latency : latencies) {
        assertTrue(latency >= 0, contender + " timed " + latency + " ns");
      }
    }
  }

  /** Virtual threads starve in this scenario: their latency is the give-up time, not a ratio's. */
  @Test
  void noRatioOfAStarvedRound() {
    String vt = "{\"median_us\":1000000.0,\"samples_before_starving\":0.0}";
    String ok = "{\"median_us\":50.0,\"samples_before_starving\":200.0}";
    String mine = "{\"median_us\":10.0,\"samples_before_starving\":200.0}";
    BenchMain.record("yield-starvation", "virtual-threads", 200, 0, vt);
    BenchMain.record("yield-starvation", "tinyrt-WORK_STEALING", 200, 0, mine);
    BenchMain.record("yield-starvation", "virtual-threads", 200, 1, ok);
    BenchMain.record("yield-starvation", "tinyrt-WORK_STEALING", 200, 1, mine);
    // tinyrt the starved side, partly (150 of 200 samples): no ratio either.
    BenchMain.record("yield-starvation", "virtual-threads", 200, 2, ok);
    BenchMain.record("yield-starvation", "tinyrt-WORK_STEALING", 200, 2,
        "{\"median_us\":1000000.0,\"samples_before_starving\":150.0}");
    BenchMain.addRatiosToVirtualThreads();
    BenchMain.Row ratios = BenchMain.row("yield-starvation|tinyrt-WORK_STEALING|200|x_vt_median_us");
    assertEquals(List.of(5.0), ratios.values());
  }

  /** A row that lost a round has its later rounds one place early: it is never paired. */
  @Test
  void noRatioOfARowThatLostARound() {
    BenchMain.record("ping-pong", "virtual-threads", 10, 0, "{\"messages_per_second\":NaN}");
    BenchMain.record("ping-pong", "tinyrt-current-thread", 10, 0, "{\"messages_per_second\":8.0}");
    BenchMain.record("ping-pong", "virtual-threads", 10, 1, "{\"messages_per_second\":1.0}");
    BenchMain.record("ping-pong", "tinyrt-current-thread", 10, 1, "{\"messages_per_second\":NaN}");
    BenchMain.record("ping-pong", "virtual-threads", 10, 2, "{\"messages_per_second\":2.0}");
    BenchMain.record("ping-pong", "tinyrt-current-thread", 10, 2, "{\"messages_per_second\":9.0}");
    BenchMain.addRatiosToVirtualThreads();
    assertNull(BenchMain.row("ping-pong|tinyrt-current-thread|10|x_vt_messages_per_second"));
  }

  @Test
  void aValueThatIsNotANumberIsSaidNotDropped() {
    BenchMain.record("io-echo", "tinyrt-current-thread", 10, 2,
        "{\"p50_us\":NaN,\"messages_per_second\":5.0,\"p99_us\":Infinity,\"max_us\":-Infinity}");
    assertNull(BenchMain.row("io-echo|tinyrt-current-thread|10|p50_us"));
    assertNull(BenchMain.row("io-echo|tinyrt-current-thread|10|p99_us"));
    assertNull(BenchMain.row("io-echo|tinyrt-current-thread|10|max_us"));
    assertEquals(List.of(5.0), BenchMain.row("io-echo|tinyrt-current-thread|10|messages_per_second")
        .values());
    assertEquals(List.of(
        "Left out: `io-echo` tinyrt-current-thread n=10 round 3 reported p50_us = NaN.",
        "Left out: `io-echo` tinyrt-current-thread n=10 round 3 reported p99_us = Infinity.",
        "Left out: `io-echo` tinyrt-current-thread n=10 round 3 reported max_us = -Infinity."),
        BenchMain.notes());
  }

  private static List<String> child(String arg) throws Exception {
    String classes = Path.of(
        ChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classes, ChildMain.class.getName(), arg);
  }

  /**
   * A child that never ends is killed after its timeout, not waited for forever. (The timeout runs
   * the test on a thread of its own: reading a pipe, as the harness did before, ignores interrupts.)
   */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aHungChildIsKilledAtItsTimeout() throws Exception {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> BenchMain.runChild(child("hang"), Duration.ofSeconds(2), "the child"));
    assertTrue(e.getMessage().startsWith("the child did not end in PT2S and was killed"),
        e.getMessage());
    assertTrue(e.getMessage().contains("started"), e.getMessage());
  }

  @Test
  void aChildsOutputOrFailureIsReturned() throws Exception {
    assertEquals("started\n", BenchMain.runChild(child("0"), Duration.ofMinutes(1), "the child")
        .replace("\r\n", "\n"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> BenchMain.runChild(child("3"), Duration.ofMinutes(1), "the child"));
    assertEquals("the child failed (exit 3):\nstarted\n", e.getMessage().replace("\r\n", "\n"));
  }

  /** A handle's outcome is the cart's total, read without the runtime. */
  @Test
  void aFinishedHandlePollsReady() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      JoinHandle<Integer>[] tasks = finished(rt, List.of(Future.ready(3)));
      assertEquals(Poll.ready(3), tasks[0].poll(Context.from(Waker.noop())));
    }
  }
}
