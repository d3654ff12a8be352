// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CancelledException;
import dev.tinyrt.CountingWaker;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cancellation of a task its current-thread runtime gave up says which runtime, why (woken
 * after the runtime stopped), where the task waited (its await points, innermost first, as the
 * task dump prints them) and what to do instead. Before the fix it said only "the task was
 * cancelled by its runtime's shutdown, which gave up waiting for it to unwind", and this failed.
 */
@Timeout(60)
class GiveUpMessageTest {

  @Test
  void theGiveUpOfATaskWokenAfterTheStopNamesTheRuntimeWhyWhereAndWhatToDo() throws Exception {
    AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("shop").build();
    try {
      TestFutures.Gate<Long> reply = new TestFutures.Gate<>();
      JoinHandle<Long> handle = rt.spawn(new FakeFrames.Checkout(new FakeFrames.Price(reply)));
      rt.blockOn(Tasks.yieldNow()); // parked at Shop.price's await of reply
      CompletableFuture<Long> told = handle.toCompletableFuture();
      rt.localScheduler().stop(); // the stop a racing shutdown ended with
      reply.complete(42L); // the wake finds the runtime stopped
      assertThrows(CancellationException.class, () -> told.get(30, TimeUnit.SECONDS));
      CancelledException cancelled = assertThrows(CancelledException.class,
          () -> handle.poll(new CountingWaker().context()));
      // The awaiter's exception says the task was cancelled; its cause is the give-up's own.
      String message = cancelled.getCause().getMessage();
      assertTrue(message.contains("runtime shop"), message);
      assertTrue(message.contains("woken after the runtime stopped"), message);
      assertTrue(message.contains("at Shop.price (Shop.java:31), await(reply)\n"
          + "  at Shop.checkout (Shop.java:22), await(price(...))"), message);
      assertTrue(message.contains("keep the runtime open until its tasks end"), message);
      assertTrue(message.contains("do not wake tasks of a closed runtime"), message);
    } finally {
      rt.close();
    }
  }

  @Test
  void theGiveUpAtTheEndOfAShutdownSaysTheShutdownGaveUpAndWhereTheTaskWaited() {
    FakeFrames.Checkout frame = new FakeFrames.Checkout(new FakeFrames.Price(
        new TestFutures.Gate<>()));
    frame.poll(new CountingWaker().context()); // parked at Shop.price's await of reply
    String message = GiveUpReason.SHUTDOWN_GAVE_UP.cancellation("Task@1", "shop", frame)
        .getMessage();
    assertTrue(message.startsWith("task Task@1 of runtime shop was given up"), message);
    assertTrue(message.contains("its shutdown cancelled it and gave up waiting for it to unwind"),
        message);
    assertTrue(message.contains("at Shop.price (Shop.java:31), await(reply)"), message);
    assertTrue(message.contains("keep the runtime open until its tasks end"), message);
  }
}
