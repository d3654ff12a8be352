// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;

/**
 * The chapter's {@code CartTotal} written by hand, as in the demo, without its log lines: the
 * state machine the agent generates from {@link Carts#cartTotal}, for comparison. It keeps its
 * state in two fields instead of one object per state, as a careful hand would.
 */
final class HandCart implements Future<Long> {

  /** 0 waiting for socks, 1 waiting for shoes, 2 done. */
  private int state;

  /** The socks lookup, until it answered. */
  private Future<Long> socks;

  /** The shoes lookup. */
  private Future<Long> shoes;

  /** The socks price while the shoes lookup runs. */
  private long socksPrice;

  HandCart(Future<Long> socks, Future<Long> shoes) {
    this.socks = socks;
    this.shoes = shoes;
  }

  @Override
  public Poll<Long> poll(Context cx) {
    if (state == 0) {
      Poll<Long> p = socks.poll(cx);
      if (p.isPending()) {
        return Poll.pending();
      }
      socksPrice = p.get();
      socks = null;
      state = 1;
    }
    if (state == 1) {
      Poll<Long> p = shoes.poll(cx);
      if (p.isPending()) {
        return Poll.pending();
      }
      state = 2;
      shoes = null;
      return Poll.ready(socksPrice + p.get());
    }
    throw new IllegalStateException("polled HandCart after it returned the total");
  }
}
