// SPDX-License-Identifier: Apache-2.0
package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.sync.Oneshot;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The cart, rewritten by the agent Maven resolved: it suspends at an await, and is woken. */
class CartTest {

  @Test
  void theCartWaitsForTheSocksThenAddsUp() {
    AtomicInteger wakes = new AtomicInteger();
    Context cx = Context.from(wakes::incrementAndGet);
    Oneshot.Channel<Long> socks = Oneshot.channel();

    Future<Long> cart = Cart.cartTotal(socks.receiver(), Future.ready(89L));
    Poll<Long> first = cart.poll(cx);
    assertFalse(first.isReady(), "the socks' price has not been sent: the cart must wait");
    assertEquals(0, wakes.get());

    socks.sender().send(12L);
    assertEquals(1, wakes.get(), "sending the price wakes the waiting cart");
    Poll<Long> second = cart.poll(cx);
    assertTrue(second.isReady());
    assertEquals(101L, second.get());
  }
}
