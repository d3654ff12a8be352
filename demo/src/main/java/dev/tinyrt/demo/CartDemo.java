// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo;

import dev.tinyrt.Async;
import dev.tinyrt.sync.Oneshot;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The chapter's cart, twice: first the hand-written state machine {@link CartTotal}, then the same
 * cart as the async method {@link CartAsync#cartTotal}, rewritten by the agent. Each time the
 * socks price comes back after 200 ms and the shoes price after 400 ms, from a worker thread,
 * while {@code blockOn} polls the cart on the main thread.
 *
 * <p>Run it with {@code scripts/demo}, which starts the JVM with the agent and its {@code trace}
 * option, so the rewritten frame prints its state transitions.
 */
public final class CartDemo {

  /** When the socks price comes back. */
  static final Duration SOCKS_DELAY = Duration.ofMillis(200);

  /** When the shoes price comes back. */
  static final Duration SHOES_DELAY = Duration.ofMillis(400);

  private CartDemo() {}

  /**
   * Runs the demo.
   *
   * @param args ignored
   */
  public static void main(String[] args) throws InterruptedException {
    long byHand = runByHand(System.out);
    System.out.println();
    System.out.println("== the same cart as an async method, rewritten by the agent ==");
    long async = runAsync(System.out);
    System.out.println(async == byHand
        ? "the totals agree: $" + async
        : "the totals differ: $" + byHand + " by hand, $" + async + " async");
  }

  /** Runs the hand-written cart, printing to {@code out}; returns the total. */
  static long runByHand(PrintStream out) throws InterruptedException {
    Oneshot.Channel<Long> socks = Oneshot.channel();
    Oneshot.Channel<Long> shoes = Oneshot.channel();
    Thread worker = priceLookups(socks.sender(), shoes.sender());
    long total = Async.blockOn(new CartTotal(socks.receiver(), shoes.receiver(), out::println));
    out.println("cart total = $" + total);
    worker.join();
    return total;
  }

  /** Runs the async cart, printing the total to {@code out}; returns it. */
  static long runAsync(PrintStream out) throws InterruptedException {
    Oneshot.Channel<Long> socks = Oneshot.channel();
    Oneshot.Channel<Long> shoes = Oneshot.channel();
    Thread worker = priceLookups(socks.sender(), shoes.sender());
    long total = Async.blockOn(CartAsync.cartTotal(socks.receiver(), shoes.receiver()));
    out.println("cart total = $" + total);
    worker.join();
    return total;
  }

  /** Starts the worker that "looks up" the prices: 12 after 200 ms, 89 after 400 ms. */
  static Thread priceLookups(Oneshot.Sender<Long> socks, Oneshot.Sender<Long> shoes) {
    Thread worker = new Thread(() -> {
      try {
        Thread.sleep(SOCKS_DELAY.toMillis());
        socks.send(12L);
        Thread.sleep(SHOES_DELAY.minus(SOCKS_DELAY).toMillis());
        shoes.send(89L);
      } catch (InterruptedException e) {
        socks.close();
        shoes.close();
        Thread.currentThread().interrupt();
      }
    }, "price-lookups");
    worker.setDaemon(true);
    worker.start();
    return worker;
  }
}
