// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.internal.ForwardsCancellation;
import dev.tinyrt.internal.Grant;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FuturesTest {

  final CountingWaker waker = new CountingWaker();

  /** Pending until given a value; records being dropped. */
  static final class Slot<T> implements Future<T>, Droppable {
    T value;
    RuntimeException failure;
    boolean dropped;
    int polls;

    @Override
    public Poll<T> poll(Context cx) {
      polls++;
      if (failure != null) {
        throw failure;
      }
      return value == null ? Poll.pending() : Poll.ready(value);
    }

    @Override
    public void drop() {
      dropped = true;
    }
  }

  @Test
  void joinAllWaitsForEveryValueAndKeepsTheOrder() {
    Slot<String> a = new Slot<>();
    Slot<String> b = new Slot<>();
    Future<List<String>> both = Futures.joinAll(a, b, Future.ready("c"));
    assertTrue(both.poll(waker.context()).isPending());
    b.value = "b";
    assertTrue(both.poll(waker.context()).isPending());
    a.value = "a";
    assertEquals(List.of("a", "b", "c"), both.poll(waker.context()).get());
    assertEquals(2, b.polls, "a ready future is not polled again");
  }

  @Test
  void joinAllFailsWithTheFirstFailureAndAbandonsTheRest() {
    Slot<String> slow = new Slot<>();
    Slot<String> failing = new Slot<>();
    Future<List<String>> both = Futures.joinAll(slow, failing);
    assertTrue(both.poll(waker.context()).isPending());
    IllegalStateException boom = new IllegalStateException("boom");
    failing.failure = boom;
    assertSame(boom, assertThrows(IllegalStateException.class, () -> both.poll(waker.context())));
    assertTrue(slow.dropped);
  }

  @Test
  void selectReturnsTheFirstReadyWithItsIndexAndAbandonsTheLosers() {
    Slot<String> a = new Slot<>();
    Slot<String> b = new Slot<>();
    Future<Futures.Selected<String>> first = Futures.select(List.of(a, b));
    assertTrue(first.poll(waker.context()).isPending());
    b.value = "b";
    assertEquals(new Futures.Selected<>(1, "b"), first.poll(waker.context()).get());
    assertTrue(a.dropped);
    assertTrue(!b.dropped);
  }

  @Test
  void raceGivesTheWinnersValue() {
    Slot<Integer> never = new Slot<>();
    assertEquals(7, Futures.race(never, Future.ready(7)).poll(waker.context()).get());
    assertTrue(never.dropped);
  }

  /** A context whose task is cancelled. */
  Context cancelled() {
    return Context.from(waker, () -> true);
  }

  /**
   * Stands for an async method: polled with a cancelled context it unwinds, but its clean-up
   * takes {@code cleanupPolls} more polls (a non-cancellable section); records what it saw.
   */
  static final class Unwinding implements Future<String>, ForwardsCancellation {
    int cleanupPolls;
    int polls;
    boolean sawCancellation;

    @Override
    public Poll<String> poll(Context cx) {
      polls++;
      if (cx.isCancelled()) {
        sawCancellation = true;
        if (cleanupPolls-- > 0) {
          cx.waker().wake();
          return Poll.pending();
        }
        throw new CancelledException("unwound");
      }
      return Poll.pending();
    }
  }

  @Test
  void aCombinatorPolledByACancelledTaskCancelsEveryChildThenThrows() {
    Slot<String> leaf = new Slot<>();
    Unwinding frame = new Unwinding();
    Future<List<String>> both = Futures.joinAll(leaf, frame);
    assertTrue(both.poll(waker.context()).isPending());
    assertThrows(CancelledException.class, () -> both.poll(cancelled()));
    assertTrue(leaf.dropped);
    assertTrue(frame.sawCancellation);
    for (Future<?> combinator : List.of(
        Futures.select(List.of(new Slot<String>(), new Unwinding())),
        Futures.race(new Slot<String>(), new Unwinding()))) {
      assertTrue(combinator.poll(waker.context()).isPending());
      assertThrows(CancelledException.class, () -> combinator.poll(cancelled()));
    }
  }

  @Test
  void aCombinatorWaitsForItsCancelledChildrenToFinishTheirCleanUp() {
    Unwinding loser = new Unwinding();
    loser.cleanupPolls = 2;
    Slot<String> winner = new Slot<>();
    Future<Futures.Selected<String>> first = Futures.select(List.of(loser, winner));
    assertTrue(first.poll(waker.context()).isPending());
    winner.value = "w";
    assertTrue(first.poll(waker.context()).isPending(), "the loser still cleans up");
    assertTrue(first.poll(waker.context()).isPending());
    assertEquals(new Futures.Selected<>(1, "w"), first.poll(waker.context()).get());
    assertEquals(5, loser.polls, "polled once more before the winner, then three times unwinding");
    assertThrows(IllegalStateException.class, () -> first.poll(waker.context()),
        "a finished combinator is not polled again");
  }

  @Test
  void aChildThatWasNeverPolledIsNeitherPolledNorDropped() {
    Slot<String> never = new Slot<>();
    assertEquals("first", Futures.race(Future.ready("first"), never).poll(waker.context()).get());
    assertEquals(0, never.polls);
    assertFalse(never.dropped);
    Slot<String> failing = new Slot<>();
    failing.failure = new IllegalStateException("boom");
    Slot<String> behind = new Slot<>();
    assertThrows(IllegalStateException.class,
        () -> Futures.joinAll(failing, behind).poll(waker.context()));
    assertEquals(0, behind.polls);
    assertFalse(behind.dropped);
  }

  @Test
  void aCheckedFailureAbandonsTheOthersToo() {
    Slot<String> slow = new Slot<>();
    Future<String> failsChecked = cx -> {
      throw dev.tinyrt.internal.Sneaky.rethrow(new IOException("checked"));
    };
    Future<List<String>> both = Futures.joinAll(slow, failsChecked);
    assertThrows(IOException.class, () -> both.poll(waker.context()));
    assertTrue(slow.dropped);
  }

  /** A value holding something, as a mutex guard does. */
  static final class Held implements Grant {
    boolean closed;

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void aValueNobodyWillSeeIsGivenBack() {
    Held held = new Held();
    Slot<Object> failing = new Slot<>();
    Future<List<Object>> both = Futures.joinAll(Future.ready(held), failing);
    assertTrue(both.poll(waker.context()).isPending());
    failing.failure = new IllegalStateException("boom");
    assertThrows(IllegalStateException.class, () -> both.poll(waker.context()));
    assertTrue(held.closed);
  }

  @Test
  void aNonCancellableSectionSeesNoCancellation() {
    Unwinding inside = new Unwinding();
    Future<String> section = Futures.nonCancellable(inside);
    assertTrue(section.poll(cancelled()).isPending());
    assertFalse(inside.sawCancellation);
    assertTrue(dev.tinyrt.internal.Cancellation.checkBeforePoll(section, cancelled()) == section,
        "an await of a section in a cancelled task polls it instead of throwing");
  }

  @Test
  void aStageBecomesAFutureThatWakesWhenItCompletes() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Future<String> f = Futures.fromStage(stage);
    assertTrue(f.poll(waker.context()).isPending());
    stage.complete("done");
    assertEquals(1, waker.count());
    assertEquals("done", f.poll(waker.context()).get());
    CompletableFuture<String> failed = new CompletableFuture<>();
    IllegalArgumentException cause = new IllegalArgumentException("bad");
    failed.completeExceptionally(cause);
    assertSame(cause, assertThrows(IllegalArgumentException.class,
        () -> Futures.fromStage(failed).poll(waker.context())));
  }
}
