// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@link NeverPolled}: a frame collected without a poll is reported once per call site; a polled
 * one never. Driven by a bounded loop of {@code System.gc()} waiting on the reference queue.
 */
class NeverPolledTest {

  /** How many collections a test asks for at most before it fails. */
  static final int MAX_GCS = 50;

  private final List<String> reports = new CopyOnWriteArrayList<>();

  private final NeverPolled tracker = new NeverPolled(reports::add);

  /** Stands for a frame: any object the tracker is told about. */
  static final class Frame {}

  /** Collects until {@code count} reports were made, or fails. */
  private void collectUntil(int count) throws InterruptedException {
    for (int i = 0; i < MAX_GCS && reports.size() < count; i++) {
      System.gc();
      tracker.drain(/* timeoutMillis = */ 100);
    }
    assertEquals(count, reports.size(), "reports after " + MAX_GCS + " collections: " + reports);
  }

  /** Tracks a new frame made at {@code site} and drops it. */
  private void dropUnpolled(String site) {
    tracker.track(new Frame(), site);
  }

  @Test
  void aFrameCollectedWithoutAPollIsReportedOncePerCallSite() throws InterruptedException {
    dropUnpolled("Shop.price, called at dev.tinyrt.Shop.checkout (Shop.java:22)");
    dropUnpolled("Shop.price, called at dev.tinyrt.Shop.checkout (Shop.java:22)");
    collectUntil(1);
    assertEquals("tinyrt: the future of Shop.price, called at dev.tinyrt.Shop.checkout "
        + "(Shop.java:22) was garbage-collected without ever being polled, so none of its code "
        + "ran: calling an async method only makes its future. Await it, spawn it (Tasks.spawn), "
        + "or block on it (blockOn) at the top level; or remove the call. Reported once per call "
        + "site.", reports.get(0));

    // The second frame of that site is not reported again; another site is.
    dropUnpolled("Shop.tax, called at dev.tinyrt.Shop.checkout (Shop.java:23)");
    collectUntil(2);
    assertEquals(2, reports.size());
    assertFalse(reports.get(1).contains("Shop.price"), reports.get(1));
  }

  @Test
  void aFramePolledOnceIsNeverReported() throws InterruptedException {
    Object polled = new Frame();
    tracker.track(polled, "Shop.polled, called at Shop.java:1");
    tracker.polled(polled);
    polled = null;
    // A frame dropped unpolled after it: once it is reported, the polled one had its chance.
    dropUnpolled("Shop.dropped, called at Shop.java:2");
    collectUntil(1);
    assertEquals(List.of("Shop.dropped"), reports.stream()
        .map(r -> r.substring("tinyrt: the future of ".length(), r.indexOf(','))).toList());
  }

  @Test
  void offByDefaultTheFramesCallsDoNothing() {
    assertFalse(NeverPolled.ENABLED);
    NeverPolled.created(new Frame()); // no tracker exists: this must not throw
    NeverPolled.polling(new Frame(), 0);
  }
}
