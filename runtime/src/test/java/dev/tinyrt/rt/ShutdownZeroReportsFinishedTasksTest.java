// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * shutdown(ZERO): "no waiting, only what finishes without it". Tasks that each finish on their
 * first poll all finish without waiting, so the shutdown reports true, however many there are.
 * Since e93fac5 the drive's deadline check on every INCOMING_INTERVAL-th tick runs before the
 * batched completions leave the live list and before done() is asked again: with exactly
 * INCOMING_INTERVAL - 1 such tasks every one of them finished, but the check returned false
 * (found by a review of e93fac5; that case failed before). It now counts them first.
 */
class ShutdownZeroReportsFinishedTasksTest {

  @ParameterizedTest
  @ValueSource(ints = {1, CurrentThreadScheduler.INCOMING_INTERVAL - 2,
      CurrentThreadScheduler.INCOMING_INTERVAL - 1})
  void tasksThatAllFinishAtOnceAreReportedFinishedInTime(int tasks) {
    AtomicInteger ran = new AtomicInteger();
    AsyncRuntime rt = AsyncRuntime.currentThread();
    for (int i = 0; i < tasks; i++) {
      rt.spawn((Future<Void>) cx -> {
        ran.incrementAndGet();
        return Poll.readyNull();
      });
    }
    boolean inTime = rt.shutdown(Duration.ZERO);
    assertEquals(tasks, ran.get(), "every task ran to its end");
    assertEquals(0, rt.liveTasks());
    assertTrue(inTime, "all " + tasks + " tasks finished without waiting, none was cancelled");
  }
}
