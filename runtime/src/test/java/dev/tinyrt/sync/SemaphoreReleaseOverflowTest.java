// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code release(n)} past {@code Long.MAX_VALUE} free permits wrapped the count negative, and no
 * acquire could succeed again. It is refused with a message; a permit given back (in a {@code
 * finally}, where it must not throw) stops at the maximum (found by a hostile round; the first case
 * failed before, the second threw from the permit's close).
 */
class SemaphoreReleaseOverflowTest {

  @Test
  void releasePastTheMaximumIsRefusedAndChangesNothing() {
    Semaphore s = new Semaphore(Long.MAX_VALUE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.release(1));
    assertTrue(e.getMessage().contains("Long.MAX_VALUE"), e.getMessage());
    assertEquals(Long.MAX_VALUE, s.available());
    assertNotNull(s.tryAcquire(1));
  }

  @Test
  void aPermitGivenBackToAFullSemaphoreStopsAtTheMaximum() {
    Semaphore s = new Semaphore(Long.MAX_VALUE);
    Semaphore.Permit p = s.tryAcquire(2);
    s.release(2); // full again, while p is still out
    p.close();
    assertEquals(Long.MAX_VALUE, s.available());
    assertNotNull(s.tryAcquire(1));
  }
}
