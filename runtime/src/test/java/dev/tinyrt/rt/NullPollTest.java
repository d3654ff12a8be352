// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.TinyrtLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A hand-written future whose {@code poll} returns null (a misuse): the task polling it fails with
 * an error that names the future's class, and its worker goes on. Before, the null's {@code
 * NullPointerException} came out of the task's own poll: the task stayed running for ever, the
 * worker thread ended (with one worker, nothing ran again), and a current-thread runtime's
 * shutdown could not finish it.
 */
class NullPollTest {

  /** A future that breaks the contract. */
  private static final class ReturnsNull implements Future<String> {
    @Override
    public Poll<String> poll(dev.tinyrt.Context cx) {
      return null;
    }
  }

  @ParameterizedTest
  @EnumSource(WorkerPool.class)
  void theTaskFailsNamingTheFutureAndTheWorkerGoesOn(WorkerPool pool) throws Exception {
    try (TinyrtLog log = new TinyrtLog()) {
      try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(1).workerPool(pool)
          .name("null-poll-" + pool).build()) {
        JoinHandle<String> bad = rt.spawn(new ReturnsNull());
        // Bounded: a hang guard only.
        ExecutionException failed = assertThrows(ExecutionException.class,
            () -> bad.toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertNamesTheFuture(failed.getCause());
        assertEquals(42, rt.spawn(cx -> Poll.ready(42)).toCompletableFuture()
            .get(30, TimeUnit.SECONDS), "the one worker still runs tasks");
      }
      assertEquals(List.of(), log.uncaught, "exceptions that ended a thread");
    }
  }

  @Test
  void onACurrentThreadRuntimeTheTaskFailsAndTheRuntimeShutsDown() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    JoinHandle<String> bad = rt.spawn(new ReturnsNull());
    assertNamesTheFuture(assertThrows(IllegalStateException.class, () -> rt.blockOn(bad)));
    assertTrue(bad.isFinished() && bad.isFailed());
    assertTrue(rt.shutdown(Duration.ofSeconds(10)), "the shutdown finished in time");
  }

  @Test
  void aCombinatorsChildFailsTheCombinator() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    try {
      Future<String> race = Futures.race(new ReturnsNull(), cx -> Poll.pending());
      assertNamesTheFuture(assertThrows(IllegalStateException.class, () -> rt.blockOn(race)));
      Future<List<String>> join = Futures.joinAll(Future.ready("a"), new ReturnsNull());
      assertNamesTheFuture(assertThrows(IllegalStateException.class, () -> rt.blockOn(join)));
    } finally {
      assertTrue(rt.shutdown(Duration.ofSeconds(10)));
    }
  }

  @Test
  void blockOnFailsNamingTheFuture() {
    assertNamesTheFuture(
        assertThrows(IllegalStateException.class, () -> Async.blockOn(new ReturnsNull())));
    AsyncRuntime rt = AsyncRuntime.currentThread();
    try {
      assertNamesTheFuture(
          assertThrows(IllegalStateException.class, () -> rt.blockOn(new ReturnsNull())));
    } finally {
      assertTrue(rt.shutdown(Duration.ofSeconds(10)));
    }
  }

  @Test
  void aNonCancellableSectionFailsNamingTheFuture() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    try {
      JoinHandle<String> task = rt.spawn(Futures.nonCancellable(new ReturnsNull()));
      assertNamesTheFuture(assertThrows(IllegalStateException.class, () -> rt.blockOn(task)));
    } finally {
      assertTrue(rt.shutdown(Duration.ofSeconds(10)));
    }
  }

  private static void assertNamesTheFuture(Throwable failure) {
    assertInstanceOf(IllegalStateException.class, failure);
    assertTrue(failure.getMessage().startsWith(ReturnsNull.class.getName() + ".poll(Context)"
        + " returned null"), failure.getMessage());
  }
}
