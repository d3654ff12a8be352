// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.RuntimeThreads;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A shutdown called on one of tinyrt's own threads (in a waker the timer runs) while tasks are
 * live is refused: it waited there for tasks that may need that thread, so a task asleep on the
 * timer was cancelled at the deadline and every sleep of the JVM waited for it (10 s for {@code
 * close()}); found by the stop's review. The give-up thread is not such a thread: user clean-up
 * runs there, and may block.
 */
class ShutdownOnServiceThreadTest {

  @Test
  void aShutdownInAWakerTheTimerRunsIsRefusedWhileTasksAreLive() throws Exception {
    AsyncRuntime rt = AsyncRuntime.builder().multiThread(1).name("closed-by-a-waker").build();
    try {
      JoinHandle<Void> sleeper = rt.spawn(Timer.system().sleep(Duration.ofMillis(200)));
      CompletableFuture<Throwable> refusal = new CompletableFuture<>();
      Future<Void> trigger = Timer.system().sleep(Duration.ofMillis(20));
      assertTrue(trigger.poll(Context.from(() -> {
        try {
          rt.shutdown(Duration.ofSeconds(2));
          refusal.complete(null);
        } catch (Throwable t) {
          refusal.complete(t);
        }
      })).isPending());
      Throwable t = refusal.get(30, TimeUnit.SECONDS); // bounded: a hang guard only
      assertInstanceOf(IllegalStateException.class, t);
      assertTrue(t.getMessage().contains("on tinyrt-timer, a thread of tinyrt's own that serves"
          + " the JVM-wide timer"), t.getMessage());
      assertFalse(rt.isShutdown(), "nothing was changed");
      rt.blockOn(sleeper); // the sleep fires: the timer was not held up
      assertFalse(sleeper.isCancelled());
    } finally {
      rt.close();
    }
  }

  @Test
  void theGiveUpThreadIsNotOneOfTinyrtsOwn() throws Exception {
    CompletableFuture<Boolean> marked = new CompletableFuture<>();
    GiveUpThread.EXECUTOR.execute(() -> marked.complete(RuntimeThreads.serves() != null));
    assertFalse(marked.get(30, TimeUnit.SECONDS), "user clean-up runs there, and may block");
  }
}
