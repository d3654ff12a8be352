// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static dev.tinyrt.sync.GrantInsideCombinatorValueLeakTest.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.TinyrtLog;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Futures' Javadoc (71bab6f): "A combinator that ended so (a timeout around the section, an inner
 * select) counts as a section for the combinator around it." A select does so (endedAsSection),
 * but a Timeout decides once, in its constructor, from Cancellation.isNonCancellable(future)
 * only: a timeout around a select (or around another timeout) of a section discarded the late
 * message (with a warning) and threw CancelledException (found by a review of 71bab6f; both cases
 * failed before). A timeout now keeps the first section's outcome as a select does.
 */
class SectionValueLostByTimeoutAroundCombinatorTest {

  private static final Future<Object> NEVER = cx -> Poll.pending();

  private final TinyrtLog log = new TinyrtLog();

  @AfterEach
  void closeLog() {
    log.close();
  }

  @Test
  void aCancelledTimeoutReturnsTheMessageOfASectionInsideItsSelect() {
    Timer timer = Timer.manual(new ManualClock());
    Mpsc.Channel<String> ch = Mpsc.unbounded();
    boolean[] cancelled = {false};
    Context cx = Context.from(new CountingWaker(), () -> cancelled[0]);
    Future<Futures.Selected<Object>> timeout = timer.timeout(
        Futures.select(list(Futures.nonCancellable(ch.receiver().recv()), NEVER)),
        Duration.ofHours(1));
    assertTrue(timeout.poll(cx).isPending());
    cancelled[0] = true;
    assertTrue(timeout.poll(cx).isPending(), "the timeout waits for the section in its select");
    ch.sender().trySend("message");
    Object got;
    try {
      got = timeout.poll(cx).get().value();
    } catch (CancelledException e) {
      got = "lost: " + log.records.size() + " warning(s)";
    }
    assertEquals("message", got, "the message the section received is not lost");
  }

  @Test
  void aCancelledTimeoutReturnsTheMessageOfASectionInsideAnInnerTimeout() {
    Timer timer = Timer.manual(new ManualClock());
    Mpsc.Channel<String> ch = Mpsc.unbounded();
    boolean[] cancelled = {false};
    Context cx = Context.from(new CountingWaker(), () -> cancelled[0]);
    Future<String> timeout = timer.timeout(
        timer.timeout(Futures.nonCancellable(ch.receiver().recv()), Duration.ofHours(1)),
        Duration.ofHours(2));
    assertTrue(timeout.poll(cx).isPending());
    cancelled[0] = true;
    assertTrue(timeout.poll(cx).isPending(), "the timeout waits for the inner section");
    ch.sender().trySend("message");
    Object got;
    try {
      got = timeout.poll(cx).get();
    } catch (CancelledException e) {
      got = "lost: " + log.records.size() + " warning(s)";
    }
    assertEquals("message", got, "the message the section received is not lost");
  }
}
