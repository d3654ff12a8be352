// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import org.junit.jupiter.api.Test;

/** The fuzzer's reflective reads of the runtime's task state. */
class RegisteredTest {

  @Test
  void theIdleCheckReadsTheTaskStateBitsByName() {
    int scheduled = Registered.taskBit("SCHEDULED");
    int running = Registered.taskBit("RUNNING");
    int notified = Registered.taskBit("NOTIFIED");
    assertEquals(3, Integer.bitCount(scheduled | running | notified), "three distinct bits");
    assertEquals(0, (scheduled | running | notified) & Registered.taskBit("COMPLETE"));
  }

  @Test
  void aBitTheTaskNoLongerHasStopsTheFuzzerWithTheFix() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Registered.taskBit("PARKED"));
    assertTrue(e.getMessage().contains("Registered.TASK_BUSY"), e.getMessage());
  }

  @Test
  void aQueuedTaskIsBusyAndAnEndedOneIdle() {
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
      JoinHandle<Long> h = rt.spawn(Future.ready(1L));
      assertFalse(Registered.taskIdle(h), "spawned and not run yet: queued");
      assertEquals(1L, rt.blockOn(h));
      assertTrue(Registered.taskIdle(h), "ended");
    }
  }
}
