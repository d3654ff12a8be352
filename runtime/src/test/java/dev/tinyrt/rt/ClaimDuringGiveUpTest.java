// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CancelledException;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A claim of a stopped current-thread runtime ({@code close()} again, or a {@code blockOn}, which
 * runs what it finds) that finds a give-up holding the claim for a moment (a stranded wake's
 * give-up, held here inside an awaiter's callback) waits for that give-up to release it, instead
 * of failing with "while thread ... drives it": nobody drives the runtime. A thread genuinely
 * driving it (in {@code blockOn}) still makes the claim fail at once.
 *
 * <p>Before the fix, the {@code close()} and the {@code blockOn} below threw that
 * IllegalStateException at once. Plant tried by hand: {@code awaitGiveUp} waits for any holder,
 * the driver marked as claimant included: caught, the last test's {@code close()} hangs until its
 * timeout (60 s).
 */
@Timeout(60)
class ClaimDuringGiveUpTest {

  @Test
  void aSecondCloseWaitsForAGiveUpHoldingTheClaimAndDoesNotThrow() throws Exception {
    claimDuringGiveUp(rt -> rt.close());
  }

  @Test
  void aBlockOnAfterTheStopWaitsForAGiveUpHoldingTheClaimThenRuns() throws Exception {
    claimDuringGiveUp(rt -> assertEquals("ran", rt.blockOn(Future.ready("ran"))));
  }

  /**
   * Closes a runtime, gives it a live task (as a shutdown racing a spawn leaves one), wakes it
   * from another thread, holds the give-up that follows inside the task's awaiter, and calls
   * {@code claimant} on a third thread meanwhile: it must wait (not end, not throw) until the
   * give-up lets go, then succeed.
   */
  private static void claimDuringGiveUp(Consumer<AsyncRuntime> claimant) throws Exception {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    rt.close(); // the first close: the runtime is stopped
    Task<String> task = new Task<>(cx -> Poll.pending(), rt);
    rt.liveList().add(task); // live, never polled, as a spawn the shutdown missed
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    CompletableFuture<String> awaiter = task.toCompletableFuture().whenComplete((v, e) -> {
      holding.countDown();
      awaitQuietly(letGo); // the give-up holds the claim while this callback runs
    });
    Thread waker = new Thread(task::wake, "stranded-waker");
    waker.start();
    assertTrue(holding.await(30, TimeUnit.SECONDS), "the give-up reached the awaiter");

    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread second = new Thread(() -> {
      try {
        claimant.accept(rt);
      } catch (Throwable t) {
        failed.set(t);
      }
    }, "second-claimant");
    second.start();
    // Until it waits for the give-up, counted as a waiting claim (or, before the fix, ends: it
    // threw at once).
    while (second.isAlive() && (second.getState() != Thread.State.WAITING
        || rt.localScheduler().claimWaiters() != 1)) {
      Thread.onSpinWait();
    }
    assertTrue(second.isAlive(), () -> "the claim did not wait for the give-up: " + failed.get());
    letGo.countDown();
    second.join();
    waker.join();
    assertNull(failed.get(), "the claim succeeded once the give-up let go");
    assertThrows(ExecutionException.class, awaiter::get, "the awaiter was told");
    assertThrows(CancelledException.class, () -> task.poll(new CountingWaker().context()),
        "the stranded task was given up");
    assertEquals(0, rt.liveTasks());
  }

  @Test
  void aCloseWhileAnotherThreadDrivesTheStoppedRuntimeStillFailsAtOnce() throws Exception {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    rt.close();
    TestFutures.Gate<String> gate = new TestFutures.Gate<>();
    CountDownLatch polled = new CountDownLatch(1);
    Future<String> blockedOn = cx -> {
      polled.countDown();
      return gate.poll(cx);
    };
    AtomicReference<String> result = new AtomicReference<>();
    Thread driver = new Thread(() -> result.set(rt.blockOn(blockedOn)), "genuine-driver");
    driver.start();
    assertTrue(polled.await(30, TimeUnit.SECONDS), "the blockOn drives the runtime");
    IllegalStateException refused = assertThrows(IllegalStateException.class, rt::close);
    assertTrue(refused.getMessage().contains("while thread genuine-driver drives it"),
        refused::getMessage);
    gate.complete("done");
    driver.join();
    assertEquals("done", result.get());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
