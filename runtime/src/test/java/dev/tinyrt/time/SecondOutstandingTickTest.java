// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two ticks of one interval awaited at once (against its Javadoc, but not refused): the second's
 * sleep was for the first's time, so once the first returned, the second was ready a whole period
 * early, carrying the next scheduled time. A tick now sleeps again when the schedule moved since
 * its sleep was made (found by a hostile round; it failed before).
 */
class SecondOutstandingTickTest {

  @Test
  void aTickIsNeverReadyBeforeTheTimeItReturns() {
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    Interval iv = timer.interval(Duration.ofMillis(10), MissedTicks.BURST);
    Context cx = new CountingWaker().context();
    long t0 = clock.nanoTime();
    assertTrue(iv.tick().poll(cx).isReady(), "the first tick is now");
    Future<Long> a = iv.tick();
    Future<Long> b = iv.tick();
    assertTrue(a.poll(cx).isPending());
    assertTrue(b.poll(cx).isPending());
    clock.advance(Duration.ofMillis(10));
    assertEquals(t0 + Duration.ofMillis(10).toNanos(), a.poll(cx).get());
    assertTrue(b.poll(cx).isPending(), "b is the next tick now, due in a period");
    clock.advance(Duration.ofMillis(10));
    assertEquals(t0 + Duration.ofMillis(20).toNanos(), b.poll(cx).get(), "on time");
  }
}
