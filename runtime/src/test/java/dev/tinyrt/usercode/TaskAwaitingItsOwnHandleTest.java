// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.usercode;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.TaskDump;
import dev.tinyrt.rt.Tasks;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A task that awaits its own {@code JoinHandle} parked for ever, silently, and the task dump did
 * not say why; it now fails at once with a message naming the await (found by a hostile round; it
 * failed before). The handle is polled with its own task's waker, which no other await can be.
 * In a package of its own: {@code dev.tinyrt.rt}'s frames are the runtime's, never the user's.
 */
class TaskAwaitingItsOwnHandleTest {

  /** Spawns a task on {@code rt} that polls its own handle. */
  private static JoinHandle<Object> spawnSelfAwait(AsyncRuntime rt) {
    AtomicReference<JoinHandle<Object>> self = new AtomicReference<>();
    JoinHandle<Object> handle = rt.spawn(cx -> {
      while (self.get() == null) {
        Thread.onSpinWait(); // a worker may poll it before the spawn returned
      }
      return self.get().poll(cx); // await(self)
    });
    self.set(handle);
    return handle;
  }

  /** Checks what the task failed with. */
  private static void assertSaysSo(Throwable failure) {
    IllegalStateException e = assertInstanceOf(IllegalStateException.class, failure);
    assertTrue(e.getMessage().contains("awaited its own JoinHandle"), e.getMessage());
    assertTrue(e.getMessage().contains(TaskAwaitingItsOwnHandleTest.class.getName()),
        "names the await: " + e.getMessage());
  }

  @Test
  void onTheCurrentThreadRuntime() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    try {
      JoinHandle<Object> handle = spawnSelfAwait(rt);
      for (int i = 0; i < 3; i++) {
        rt.blockOn(Tasks.yieldNow()); // drives the runtime: the task runs
      }
      assertTrue(handle.isFinished(), "it waits for itself:\n" + TaskDump.text(rt));
      assertSaysSo(assertThrows(IllegalStateException.class, () -> rt.blockOn(handle)));
    } finally {
      rt.shutdown(Duration.ZERO);
    }
  }

  @Test
  void onTheMultiThreadedRuntime() {
    AsyncRuntime rt = AsyncRuntime.multiThread();
    try {
      JoinHandle<Object> handle = spawnSelfAwait(rt);
      // Bounded: before the fix the task waited for itself for ever.
      ExecutionException failed = assertThrows(ExecutionException.class,
          () -> handle.toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertSaysSo(failed.getCause());
    } finally {
      rt.shutdown(Duration.ZERO);
    }
  }
}
