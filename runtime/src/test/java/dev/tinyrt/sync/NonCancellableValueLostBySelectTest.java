// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static dev.tinyrt.sync.GrantInsideCombinatorValueLeakTest.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.TinyrtLog;
import dev.tinyrt.internal.ForwardsCancellation;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code Futures.nonCancellable} section given to a select or a joinAll is waited for when the
 * combinator gives up on it; what it then finishes with was discarded without a trace, a received
 * message included (a timeout already returned it late). Now a cancelled select returns the first
 * section to finish as its winner, late, and a value nobody can be given (a section that lost, a
 * cancelled joinAll's) is reported (found by a hostile round). Four cases failed before; a cancelled
 * select without a section, and a section's permit given back, pin what already worked.
 */
class NonCancellableValueLostBySelectTest {

  private static final Future<Object> NEVER = cx -> Poll.pending();

  /** Collects what the runtime logs. */
  private final TinyrtLog log = new TinyrtLog();

  @AfterEach
  void closeLog() {
    log.close();
  }

  /** @return whether a warning says a section's value of {@code type} was dropped */
  private boolean reportedDropped(Class<?> type) {
    return log.records.stream().anyMatch(r -> r.getLevel() == Level.WARNING
        && r.getMessage().contains("nonCancellable") && r.getMessage().contains(type.getName()));
  }

  /**
   * The task is cancelled while select(nonCancellable(recv), never) waits; the select waits for
   * the section, which then receives a message. A timeout returned that late value; the select
   * threw CancelledException and the message was gone: not returned, not in the channel, not
   * logged. Now the select returns it.
   */
  @Test
  void aCancelledSelectDoesNotLoseTheMessageItsNonCancellableSectionReceived() {
    Mpsc.Channel<String> ch = Mpsc.unbounded();
    boolean[] cancelled = {false};
    Context cx = Context.from(new CountingWaker(), () -> cancelled[0]);
    Future<Futures.Selected<Object>> select =
        Futures.select(list(Futures.nonCancellable(ch.receiver().recv()), NEVER));
    assertTrue(select.poll(cx).isPending());
    cancelled[0] = true;
    assertTrue(select.poll(cx).isPending(), "the select waits for its non-cancellable section");
    ch.sender().trySend("message");
    Object got;
    try {
      got = select.poll(cx).get().value();
    } catch (CancelledException e) {
      got = ch.receiver().tryRecv(); // at least still in the channel?
    }
    assertEquals("message", got, "the message the section received is not lost");
  }

  /** The same, with a section that then fails: its failure is thrown, not a cancellation. */
  @Test
  void aCancelledSelectThrowsWhatItsSectionThrewLate() {
    Oneshot.Channel<String> ch = Oneshot.channel();
    boolean[] cancelled = {false};
    Context cx = Context.from(new CountingWaker(), () -> cancelled[0]);
    Future<Futures.Selected<Object>> select =
        Futures.select(list(NEVER, Futures.nonCancellable(ch.receiver())));
    assertTrue(select.poll(cx).isPending());
    cancelled[0] = true;
    assertTrue(select.poll(cx).isPending(), "the select waits for its non-cancellable section");
    ch.sender().close();
    assertThrows(ChannelClosedException.class, () -> select.poll(cx));
  }

  /** A cancelled select whose section did not finish with anything still throws its cancellation. */
  @Test
  void aCancelledSelectWithoutSectionsThrowsItsCancellation() {
    boolean[] cancelled = {false};
    Context cx = Context.from(new CountingWaker(), () -> cancelled[0]);
    Future<Futures.Selected<Object>> select = Futures.select(list(NEVER, NEVER));
    assertTrue(select.poll(cx).isPending());
    cancelled[0] = true;
    assertThrows(CancelledException.class, () -> select.poll(cx));
  }

  /**
   * Selects between {@code section} (given the receive) and a future that wins first, sends the
   * message once the winner waits for the section to end, and checks the winner is returned and
   * the section's message, which nobody can be given, reported.
   */
  private void assertALosingSectionsMessageIsReported(
      Function<Future<String>, Future<?>> section) {
    Mpsc.Channel<String> ch = Mpsc.unbounded();
    Context cx = new CountingWaker().context();
    boolean[] open = {false};
    Future<Object> later = c -> open[0] ? Poll.ready("other") : Poll.pending();
    Future<Futures.Selected<Object>> select =
        Futures.select(list(section.apply(ch.receiver().recv()), later));
    assertTrue(select.poll(cx).isPending());
    open[0] = true;
    assertTrue(select.poll(cx).isPending(), "the winner waits for the section to end");
    ch.sender().trySend("message");
    assertEquals(1, select.poll(cx).get().index());
    assertTrue(reportedDropped(String.class), "the dropped message was reported: " + log.records);
  }

  @Test
  void aLosingSectionsMessageIsReported() {
    assertALosingSectionsMessageIsReported(Futures::nonCancellable);
  }

  /** A cancelled joinAll cannot return its section's value without the others': reported. */
  @Test
  void aCancelledJoinAllsSectionValueIsReported() {
    Oneshot.Channel<Integer> ch = Oneshot.channel();
    boolean[] cancelled = {false};
    Context cx = Context.from(new CountingWaker(), () -> cancelled[0]);
    Future<List<Object>> join = Futures.joinAll(list(Futures.nonCancellable(ch.receiver()), NEVER));
    assertTrue(join.poll(cx).isPending());
    cancelled[0] = true;
    assertTrue(join.poll(cx).isPending(), "the joinAll waits for its non-cancellable section");
    ch.sender().send(7);
    assertThrows(CancelledException.class, () -> join.poll(cx));
    assertTrue(reportedDropped(Integer.class), "the dropped value was reported: " + log.records);
  }

  /**
   * The section inside a timeout inside the select: the timeout returns the section's message
   * late, and the cancelled select returns that as its winner (it was dropped without a trace: a
   * review found it; it failed before LateOutcome).
   */
  @Test
  void aCancelledSelectReturnsTheMessageOfASectionInsideATimeout() {
    Timer timer = Timer.manual(new ManualClock());
    Mpsc.Channel<String> ch = Mpsc.unbounded();
    boolean[] cancelled = {false};
    Context cx = Context.from(new CountingWaker(), () -> cancelled[0]);
    Future<Futures.Selected<Object>> select = Futures.select(list(NEVER,
        timer.timeout(Futures.nonCancellable(ch.receiver().recv()), Duration.ofHours(1))));
    assertTrue(select.poll(cx).isPending());
    cancelled[0] = true;
    assertTrue(select.poll(cx).isPending(), "the select waits for the section in its timeout");
    ch.sender().trySend("message");
    Futures.Selected<Object> won = select.poll(cx).get();
    assertEquals(1, won.index());
    assertEquals("message", won.value());
  }

  /** The same section inside a timeout that loses: its message is reported. */
  @Test
  void aLosingTimeoutsSectionMessageIsReported() {
    Timer timer = Timer.manual(new ManualClock());
    assertALosingSectionsMessageIsReported(
        recv -> timer.timeout(Futures.nonCancellable(recv), Duration.ofHours(1)));
  }

  /**
   * An async method that caught its cancellation and returned a fallback is no section: a
   * cancelled select still throws its cancellation, and nothing is reported.
   */
  @Test
  void aFallbackReturnedAfterACancellationIsNoSectionsValue() {
    boolean[] cancelled = {false};
    Context cx = Context.from(new CountingWaker(), () -> cancelled[0]);
    Future<Futures.Selected<Object>> select = Futures.select(list(NEVER, new Fallback()));
    assertTrue(select.poll(cx).isPending());
    cancelled[0] = true;
    assertThrows(CancelledException.class, () -> select.poll(cx));
    assertTrue(!reportedDropped(String.class), "not reported: " + log.records);
  }

  /** Like an async method that catches its cancellation and returns a fallback. */
  private static final class Fallback implements Future<Object>, ForwardsCancellation {
    @Override
    public Poll<Object> poll(Context cx) {
      return cx.isCancelled() ? Poll.ready("fallback") : Poll.pending();
    }
  }

  /** A section's permit that nobody will see is given back, and no report is needed. */
  @Test
  void aLosingSectionsPermitIsGivenBackWithoutAReport() {
    Semaphore sem = new Semaphore(0);
    Context cx = new CountingWaker().context();
    boolean[] open = {false};
    Future<Object> later = c -> open[0] ? Poll.ready("other") : Poll.pending();
    Future<Futures.Selected<Object>> select =
        Futures.select(list(Futures.nonCancellable(sem.acquire()), later));
    assertTrue(select.poll(cx).isPending());
    open[0] = true;
    assertTrue(select.poll(cx).isPending(), "the winner waits for the section to end");
    sem.release(1);
    assertSame("other", select.poll(cx).get().value());
    assertEquals(1, sem.available(), "the section's permit came back");
    assertTrue(!reportedDropped(Semaphore.Permit.class), "given back, not reported");
  }
}
