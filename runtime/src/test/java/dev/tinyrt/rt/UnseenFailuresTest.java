// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.Gc;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A task that failed and was collected without anyone seeing its failure is reported; one whose
 * failure was seen (awaited, given to a stage, asked {@code isFailed()}), one that was cancelled,
 * and one that succeeded are not. Before, a spawned and forgotten task's failure (a connection
 * handler's bug) left no trace anywhere: found by the stop's new-user campaign.
 */
class UnseenFailuresTest {

  /** A future that fails at its first poll with {@code message}. */
  private static Future<String> failing(String message) {
    return cx -> {
      throw new IllegalStateException(message);
    };
  }

  @Test
  void aForgottenFailedTaskIsReportedWithItsExceptionOnceCollected() throws Exception {
    String message = "forgotten-" + System.nanoTime();
    LogRecord record = reportOf(message, rt -> spawnAndForget(rt, message));
    assertEquals(Level.WARNING, record.getLevel());
    assertTrue(record.getMessage().contains("of runtime unseen threw"), record.getMessage());
  }

  @Test
  void anExceptionWhoseMessageThrowsDoesNotStopTheReports() throws Exception {
    // The review: the report built its text from the user's exception, whose toString threw and
    // ended the reporting thread; every later watch then stayed pending for ever.
    AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("unseen").build();
    JoinHandle<String> h = rt.spawn(cx -> {
      throw new IllegalStateException() {
        @Override
        public String getMessage() {
          throw new UnsupportedOperationException("a broken exception");
        }
      };
    });
    rt.blockOn(TestFutures.readyAfter(1, null));
    WeakReference<Object> broken = new WeakReference<>(h);
    h = null;
    rt.close();
    assertEquals(0, Gc.uncleared(List.of(broken)));
    String message = "after-" + System.nanoTime();
    reportOf(message, other -> spawnAndForget(other, message)); // the thread still reports
  }

  @Test
  void aTaskWhoseAwaitLeftBeforeItFailedIsWatched() {
    // The review: an await of the handle that left (a select it lost) kept it from being watched.
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      Task<String> task = (Task<String>) rt.spawn(gate);
      Futures.Selected<String> first =
          rt.blockOn(Futures.select(List.of(task, Future.ready("other"))));
      assertEquals(1, first.index(), "the handle lost the select");
      gate.fail(new IllegalStateException("failed after its await left"));
      rt.blockOn(TestFutures.readyAfter(1, null));
      assertTrue(task.isFinished());
      assertTrue(UnseenFailures.isWatched(task));
    }
  }

  /**
   * Runs {@code forget} on a new current-thread runtime, collects what it dropped, and returns the
   * report whose exception has {@code message} (waiting for the reporting thread, bounded).
   */
  private static LogRecord reportOf(String message,
      java.util.function.Function<AsyncRuntime, WeakReference<Object>> forget) throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    LogRecord[] record = new LogRecord[1];
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getThrown() != null && message.equals(r.getThrown().getMessage())) {
          record[0] = r;
          reported.countDown();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger log = Logger.getLogger("dev.tinyrt");
    log.addHandler(handler);
    try {
      AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("unseen").build();
      WeakReference<Object> task = forget.apply(rt);
      rt.close();
      assertEquals(0, Gc.uncleared(List.of(task)), "the forgotten task was collected");
      assertTrue(reported.await(30, TimeUnit.SECONDS), "the failure was reported");
      return record[0];
    } finally {
      log.removeHandler(handler);
    }
  }

  /** Spawns a failing task, runs it, drops its handle: the caller holds no strong reference. */
  private static WeakReference<Object> spawnAndForget(AsyncRuntime rt, String message) {
    JoinHandle<String> h = rt.spawn(failing(message));
    rt.blockOn(TestFutures.readyAfter(1, null)); // the task runs meanwhile
    assertTrue(h.isFinished());
    assertTrue(UnseenFailures.isWatched((Task<?>) h));
    return new WeakReference<>(h);
  }

  @Test
  void aFailureSeenAnyWayStopsItsWatch() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      Task<String> awaited = ranToFailure(rt);
      assertThrows(IllegalStateException.class, () -> rt.blockOn(awaited));
      assertFalse(UnseenFailures.isWatched(awaited), "awaited after it failed");

      Task<String> asked = ranToFailure(rt);
      assertTrue(asked.isFailed());
      assertFalse(UnseenFailures.isWatched(asked), "asked isFailed()");

      Task<String> staged = ranToFailure(rt);
      CompletableFuture<String> stage = staged.toCompletableFuture();
      assertThrows(ExecutionException.class, stage::get);
      assertFalse(UnseenFailures.isWatched(staged), "given to a stage");

      // Awaited while it ran: watched at its completion, and seen by the await.
      boolean[] polled = {false};
      Task<String> whileWaiting = (Task<String>) rt.<String>spawn(cx -> {
        if (!polled[0]) {
          polled[0] = true;
          cx.waker().wake();
          return Poll.pending();
        }
        throw new IllegalStateException("awaited while running");
      });
      assertThrows(IllegalStateException.class, () -> rt.blockOn(whileWaiting));
      assertFalse(UnseenFailures.isWatched(whileWaiting));
    }
  }

  @Test
  void aFailureThatLostASelectInTheSameTickIsWatched() {
    // The hostile campaign: the handle's waiter was woken, but the select settled on another
    // child first and never looked again; the failure was neither seen nor watched.
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      TestFutures.Gate<String> other = new TestFutures.Gate<>();
      Task<String> task = (Task<String>) rt.spawn(gate);
      JoinHandle<Futures.Selected<String>> select =
          rt.spawn(Futures.select(List.of(other, task)));
      rt.blockOn(TestFutures.readyAfter(1, null)); // both wait
      gate.fail(new IllegalStateException("failed while another child won"));
      other.complete("won");
      assertEquals(0, rt.blockOn(select).index());
      assertTrue(task.isFinished());
      assertTrue(UnseenFailures.isWatched(task));
    }
  }

  @Test
  void aTaskThatPassesOnAnAwaitedTasksCancellationIsNeverWatched() {
    // The hostile campaign: a shutdown cancels a child before its parent, whose await of it then
    // fails with the child's CancelledException; it was reported as a failure nobody saw.
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      JoinHandle<String> child = rt.spawn(new TestFutures.Gate<>());
      Task<String> parent = (Task<String>) rt.spawn(child);
      rt.blockOn(TestFutures.readyAfter(1, null));
      child.abort();
      rt.blockOn(TestFutures.readyAfter(2, null));
      assertTrue(parent.isFinished());
      assertFalse(UnseenFailures.isWatched(parent));
    }
  }

  @Test
  void cancelledAndSucceededTasksAreNeverWatched() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      Task<String> ok = (Task<String>) rt.spawn(Future.ready("ok"));
      Task<String> cancelled = (Task<String>) rt.<String>spawn(cx -> Poll.pending());
      rt.blockOn(TestFutures.readyAfter(1, null));
      cancelled.abort();
      rt.blockOn(TestFutures.readyAfter(1, null));
      assertTrue(ok.isFinished() && cancelled.isFinished());
      assertFalse(UnseenFailures.isWatched(ok));
      assertFalse(UnseenFailures.isWatched(cancelled));
    }
  }

  private static Task<String> ranToFailure(AsyncRuntime rt) {
    Task<String> t = (Task<String>) rt.spawn(failing("seen"));
    rt.blockOn(TestFutures.readyAfter(1, null));
    assertTrue(t.isFinished());
    assertTrue(UnseenFailures.isWatched(t), "nobody awaited it when it failed");
    return t;
  }
}
