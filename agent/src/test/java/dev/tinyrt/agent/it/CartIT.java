// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.sync.Oneshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chapter's cart as an async method, rewritten by the agent this JVM runs with. */
class CartIT {

  static final List<String> steps = new ArrayList<>();

  static Future<Long> cartTotal(Future<Long> socks, Future<Long> shoes) {
    steps.add("start");
    long socksPrice = await(socks);
    steps.add("socks " + socksPrice);
    long shoesPrice = await(shoes);
    steps.add("shoes " + shoesPrice);
    return Future.ready(socksPrice + shoesPrice);
  }

  @Test
  void callingItRunsNothingAndEachPollMovesItForward() {
    steps.clear();
    Oneshot.Channel<Long> socks = Oneshot.channel();
    Oneshot.Channel<Long> shoes = Oneshot.channel();
    Wakers.Counting waker = new Wakers.Counting();

    Future<Long> cart = cartTotal(socks.receiver(), shoes.receiver());
    assertEquals(List.of(), steps, "calling an async method runs none of its body");

    assertTrue(waker.poll(cart).isPending());
    assertEquals(List.of("start"), steps);

    socks.sender().send(12L);
    assertEquals(1, waker.count());
    assertTrue(waker.poll(cart).isPending());
    assertEquals(List.of("start", "socks 12"), steps);

    shoes.sender().send(89L);
    assertEquals(2, waker.count());
    Poll<Long> total = waker.poll(cart);
    assertEquals(101L, total.get());
    assertEquals(List.of("start", "socks 12", "shoes 89"), steps);

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> waker.poll(cart));
    assertTrue(e.getMessage().contains("CartIT.cartTotal"), e.getMessage());
    assertTrue(e.getMessage().contains("after it already completed"), e.getMessage());
  }

  @Test
  void readyFuturesGoThroughInOnePoll() {
    assertEquals(101L, Wakers.runReady(cartTotal(Future.ready(12L), Future.ready(89L))));
  }

  @Test
  void blockOnDrivesItAcrossThreads() throws Exception {
    Oneshot.Channel<Long> socks = Oneshot.channel();
    Oneshot.Channel<Long> shoes = Oneshot.channel();
    Thread sender = new Thread(() -> {
      socks.sender().send(12L);
      shoes.sender().send(89L);
    });
    sender.start();
    assertEquals(101L, Async.blockOn(cartTotal(socks.receiver(), shoes.receiver())));
    sender.join();
  }
}
