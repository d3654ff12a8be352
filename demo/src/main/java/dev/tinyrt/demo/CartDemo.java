// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo;

import dev.tinyrt.Async;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.sync.Oneshot;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * The chapter's cart, twice: first the hand-written state machine {@link CartTotal}, then the same
 * cart as the async method {@link CartAsync#cartTotal}, rewritten by the agent. Each time the
 * socks price comes back 200 ms after the cart parks waiting for it, and the shoes price 200 ms
 * after it parks again, from a worker thread, while {@code blockOn} polls the cart on the main
 * thread. The worker answers only a cart that is waiting, so the demo prints the same on a busy
 * machine as on an idle one.
 *
 * <p>Run it with {@code scripts/demo}, which starts the JVM with the agent and its {@code trace}
 * option, so the rewritten frame prints its state transitions.
 */
public final class CartDemo {

  /** How long after the cart parks each price comes back. */
  static final Duration LOOKUP_DELAY = Duration.ofMillis(200);

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
    Semaphore parks = new Semaphore(0);
    Thread worker = priceLookups(socks.sender(), shoes.sender(), parks);
    long total = Async.blockOn(countingParks(new CartTotal(socks.receiver(), shoes.receiver(), out::println), parks));
    out.println("cart total = $" + total);
    worker.join();
    return total;
  }

  /** Runs the async cart, printing the total to {@code out}; returns it. */
  static long runAsync(PrintStream out) throws InterruptedException {
    Oneshot.Channel<Long> socks = Oneshot.channel();
    Oneshot.Channel<Long> shoes = Oneshot.channel();
    Semaphore parks = new Semaphore(0);
    Thread worker = priceLookups(socks.sender(), shoes.sender(), parks);
    long total = Async.blockOn(countingParks(CartAsync.cartTotal(socks.receiver(), shoes.receiver()), parks));
    out.println("cart total = $" + total);
    worker.join();
    return total;
  }

  /**
   * Polls {@code cart} and releases a permit of {@code parks} each time it returns pending, so the
   * price lookups can wait until the cart waits.
   */
  static <T> Future<T> countingParks(Future<T> cart, Semaphore parks) {
    return cx -> {
      Poll<T> poll = cart.poll(cx);
      if (poll.isPending()) {
        parks.release();
      }
      return poll;
    };
  }

  /**
   * Starts the worker that "looks up" the prices: 12 for the socks, 200 ms after the cart first
   * parks, then 89 for the shoes, 200 ms after it parks again.
   */
  static Thread priceLookups(
      Oneshot.Sender<Long> socks, Oneshot.Sender<Long> shoes, Semaphore parks) {
    Thread worker = new Thread(() -> {
      try {
        parks.acquire();
        Thread.sleep(LOOKUP_DELAY.toMillis());
        socks.send(12L);
        parks.acquire();
        Thread.sleep(LOOKUP_DELAY.toMillis());
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
