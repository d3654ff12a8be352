// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.sync.Oneshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CartTotalTest {

  static final List<String> CHAPTER_LINES = List.of(
      "[cart] Start: socks price not back yet, waiting",
      "[cart] Start -> GotSocks: socks are $12",
      "[cart] GotSocks: shoes price not back yet, $12 waits as a field",
      "[cart] GotSocks -> Done: shoes are $89, cart total = $101",
      "cart total = $101");

  @Test
  void drivenByHandItMovesOneStateAtATime() {
    Oneshot.Channel<Long> socks = Oneshot.channel();
    Oneshot.Channel<Long> shoes = Oneshot.channel();
    List<String> log = new ArrayList<>();
    AtomicInteger wakes = new AtomicInteger();
    Context cx = Context.from(wakes::incrementAndGet);
    CartTotal cart = new CartTotal(socks.receiver(), shoes.receiver(), log::add);
    assertTrue(log.isEmpty(), "creating the cart runs nothing");

    assertTrue(cart.poll(cx).isPending());
    assertEquals(List.of(CHAPTER_LINES.get(0)), log);

    socks.sender().send(12L);
    assertEquals(1, wakes.get());
    assertTrue(cart.poll(cx).isPending());
    assertEquals(CHAPTER_LINES.subList(0, 3), log);

    shoes.sender().send(89L);
    assertEquals(2, wakes.get());
    Poll<Long> done = cart.poll(cx);
    assertEquals(101L, done.get());
    assertEquals(CHAPTER_LINES.subList(0, 4), log);

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> cart.poll(cx));
    assertEquals("polled CartTotal after it already returned the total", e.getMessage());
  }

  @Test
  void readyPricesGoThroughEveryStateInOnePoll() {
    List<String> log = new ArrayList<>();
    CartTotal cart = new CartTotal(Future.ready(12L), Future.ready(89L), log::add);
    assertEquals(101L, cart.poll(Context.from(Waker.noop())).get());
    assertEquals(List.of(CHAPTER_LINES.get(1), CHAPTER_LINES.get(3)), log);
  }

  @Test
  void theDemoPrintsTheChaptersLines() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      assertEquals(101L, CartDemo.runByHand(out));
    }
    assertEquals(CHAPTER_LINES, bytes.toString(StandardCharsets.UTF_8).lines().toList());
  }
}
