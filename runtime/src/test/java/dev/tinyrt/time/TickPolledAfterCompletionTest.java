// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A finished {@code Interval.tick()} polled again refuses, as every other tinyrt future does; it
 * silently became the next tick, pending and then ready with the next time, moving the schedule
 * on (found by a hostile round; it failed before).
 */
class TickPolledAfterCompletionTest {

  @Test
  void aFinishedTickRefusesAnotherPoll() {
    ManualClock clock = new ManualClock();
    Interval interval = Timer.manual(clock).interval(Duration.ofMillis(10), MissedTicks.BURST);
    Future<Long> tick = interval.tick();
    Context cx = new CountingWaker().context();
    assertEquals(0L, tick.poll(cx).get());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> tick.poll(cx));
    assertTrue(e.getMessage().contains("Interval.tick()"), e.getMessage());
    clock.advance(Duration.ofMillis(10));
    assertEquals(clock.nanoTime(), interval.tick().poll(cx).get(), "the schedule did not move");
  }
}
