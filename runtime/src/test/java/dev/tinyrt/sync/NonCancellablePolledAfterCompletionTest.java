// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import org.junit.jupiter.api.Test;

/**
 * A finished {@code Futures.nonCancellable} section polled again refuses, as every combinator does;
 * it polled its future again, and a finished mpsc receive the channel had handed out again as the
 * next {@code recv()} gave that receive's value to the stale section (found by a hostile round; it
 * failed before).
 */
class NonCancellablePolledAfterCompletionTest {

  @Test
  void aFinishedSectionRefusesAnotherPollInsteadOfStealingTheNextReceive() {
    Mpsc.Channel<Integer> ch = Mpsc.unbounded();
    Context cx = new CountingWaker().context();
    Future<Integer> section = Futures.nonCancellable(ch.receiver().recv());
    ch.sender().trySend(1);
    assertEquals(1, section.poll(cx).get());
    Future<Integer> next = ch.receiver().recv(); // the channel may hand the finished receive out again
    ch.sender().trySend(2);
    assertThrows(IllegalStateException.class, () -> section.poll(cx),
        "a finished section polled again must refuse, as joinAll/select/timeout do");
    assertEquals(2, next.poll(cx).get(), "the next receive still gets its value");
  }
}
