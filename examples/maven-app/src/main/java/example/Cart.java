// SPDX-License-Identifier: Apache-2.0
package example;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Async;
import dev.tinyrt.Future;
import dev.tinyrt.sync.Oneshot;

/** The chapter's cart, as a user of tinyrt writes it in their own project. */
public final class Cart {

  private Cart() {}

  /**
   * An async method: the agent rewrites it into a state machine when this class loads.
   *
   * @param socks the price of the socks, when it comes
   * @param shoes the price of the shoes, when it comes
   * @return the total
   */
  static Future<Long> cartTotal(Future<Long> socks, Future<Long> shoes) {
    long socksPrice = await(socks);
    long shoesPrice = await(shoes);
    return Future.ready(socksPrice + shoesPrice);
  }

  /**
   * Prints a cart's total, the socks' price sent from another thread.
   *
   * @param args unused
   * @throws InterruptedException never: the sender thread ends at once
   */
  public static void main(String[] args) throws InterruptedException {
    Oneshot.Channel<Long> socks = Oneshot.channel();
    Thread sender = new Thread(() -> socks.sender().send(12L));
    sender.start();
    long total = Async.blockOn(cartTotal(socks.receiver(), Future.ready(89L)));
    sender.join();
    System.out.println("cart total = $" + total);
  }
}
