// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PollTest {

  @Test
  void readyHoldsItsValue() {
    Poll<String> p = Poll.ready("x");
    assertTrue(p.isReady());
    assertFalse(p.isPending());
    assertEquals("x", p.get());
    assertEquals("Ready(x)", p.toString());
  }

  @Test
  void readyNullIsStillReady() {
    Poll<String> p = Poll.ready(null);
    assertTrue(p.isReady());
    assertEquals(null, p.get());
  }

  @Test
  void readyNullIsOneSharedInstanceThatBehavesAsReadyOfNull() {
    Poll<String> p = Poll.readyNull();
    assertSame(p, Poll.<Integer>readyNull()); // no allocation per ready null
    assertEquals(Poll.ready(null), p);
    assertTrue(p.isReady());
    assertFalse(p.isPending());
    assertFalse(p.equals(Poll.pending()));
    assertEquals(Poll.ready(null).hashCode(), p.hashCode());
    assertEquals("Ready(null)", p.toString());
    assertFalse(p.equals(Poll.ready("x")));
  }

  @Test
  void pendingIsOneInstanceAndHasNoValue() {
    Poll<String> p = Poll.pending();
    assertSame(p, Poll.<Integer>pending());
    assertTrue(p.isPending());
    IllegalStateException e = assertThrows(IllegalStateException.class, p::get);
    assertTrue(e.getMessage().contains("pending"), e.getMessage());
  }

  @Test
  void futureReadyReturnsTheSamePollEveryTime() {
    Future<Integer> f = Future.ready(7);
    Context cx = Context.from(Waker.noop());
    Poll<Integer> first = f.poll(cx);
    assertEquals(7, first.get());
    assertSame(first, f.poll(cx));
  }
}
