// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.function.Consumer;

/**
 * The chapter's {@code CartTotal}, written by hand: the state machine that the agent generates
 * from an async {@code cartTotal} method with two awaits. This is the spec the rewrite must equal.
 *
 * <pre>{@code
 * static Future<Long> cartTotal(Future<Long> socks, Future<Long> shoes) {
 *   long socksPrice = await(socks);   // Start    -> GotSocks
 *   long shoesPrice = await(shoes);   // GotSocks -> Done
 *   return Future.ready(socksPrice + shoesPrice);
 * }
 * }</pre>
 *
 * <p>Each state holds exactly what must survive its await: {@code Start} both futures, {@code
 * GotSocks} the socks price and the shoes future (the socks future is done and dropped), {@code
 * Done} nothing.
 */
public final class CartTotal implements Future<Long> {

  /** Where the cart is; each variant holds what must survive until its next step. */
  sealed interface State permits Start, GotSocks, Done {}

  /** Waiting for the socks price; both lookups are still ahead. */
  record Start(Future<Long> socks, Future<Long> shoes) implements State {}

  /** The socks price is known and waits as a field while the shoes price is looked up. */
  record GotSocks(long socksPrice, Future<Long> shoes) implements State {}

  /** The total was returned; polling again is a bug. */
  record Done() implements State {}

  /** The current state. */
  private State state;

  /** Where the chapter's {@code [cart]} lines go. */
  private final Consumer<String> log;

  /**
   * Creates the cart in its {@code Start} state. Nothing runs until the first poll.
   *
   * @param socks the socks price lookup
   * @param shoes the shoes price lookup
   * @param log receives one line per step
   */
  public CartTotal(Future<Long> socks, Future<Long> shoes, Consumer<String> log) {
    this.state = new Start(socks, shoes);
    this.log = log;
  }

  @Override
  public Poll<Long> poll(Context cx) {
    // The chapter's loop: one poll moves through as many states as are ready.
    while (true) {
      if (state instanceof Start start) {
        Poll<Long> socks = start.socks().poll(cx);
        if (socks.isPending()) {
          log.accept("[cart] Start: socks price not back yet, waiting");
          return Poll.pending();
        }
        long socksPrice = socks.get();
        log.accept("[cart] Start -> GotSocks: socks are $" + socksPrice);
        state = new GotSocks(socksPrice, start.shoes());
      } else if (state instanceof GotSocks got) {
        Poll<Long> shoes = got.shoes().poll(cx);
        if (shoes.isPending()) {
          log.accept("[cart] GotSocks: shoes price not back yet, $" + got.socksPrice()
              + " waits as a field");
          return Poll.pending();
        }
        long shoesPrice = shoes.get();
        long total = got.socksPrice() + shoesPrice;
        log.accept("[cart] GotSocks -> Done: shoes are $" + shoesPrice + ", cart total = $" + total);
        state = new Done();
        return Poll.ready(total);
      } else {
        throw new IllegalStateException("polled CartTotal after it already returned the total");
      }
    }
  }
}
