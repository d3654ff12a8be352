// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;

/**
 * The chapter's cart as a real async method. With the agent, this method is rewritten when the
 * class loads into the state machine {@link CartTotal} spells out by hand: a frame holding
 * {@code socks} and {@code shoes} at the start, {@code socksPrice} and {@code shoes} while the
 * shoes price is looked up.
 */
public final class CartAsync {

  private CartAsync() {}

  /**
   * Adds the two prices, waiting for each without blocking a thread.
   *
   * @param socks the socks price lookup
   * @param shoes the shoes price lookup
   * @return the cart total
   */
  public static Future<Long> cartTotal(Future<Long> socks, Future<Long> shoes) {
    long socksPrice = await(socks);
    long shoesPrice = await(shoes);
    return Future.ready(socksPrice + shoesPrice);
  }
}
