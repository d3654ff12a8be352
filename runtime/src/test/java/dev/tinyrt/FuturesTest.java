// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
