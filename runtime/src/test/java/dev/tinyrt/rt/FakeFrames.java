// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;

/**
 * Hand-written stand-ins for agent-generated frames (the runtime's tests run without the agent):
 * the same {@code state} field, the awaited future in a reference field, and the await-point table
 * the agent's {@code AwaitPointTable} writes. The integration tests check the real ones.
 */
final class FakeFrames {

  private FakeFrames() {}

  /** Shop.checkout: awaits {@code price(...)} (an {@link Price} frame) at Shop.java:22. */
  static final class Checkout implements Future<Long> {
    /** The await-point table, as the agent writes it. */
    static final String AWAIT_POINTS = "Shop.checkout\nShop.java:20\t\t\n"
        + "Shop.java:22\tprice(...)\tL0\nShop.java:24\treturn ready(...)\tL0";

    /** 0 before the first poll, 1 parked at the await, -1 done. */
    int state;

    /** The awaited future while parked. */
    Object L0;

    /** What the first poll awaits. */
    private final Future<Long> price;

    /** Runs at the start of each poll (a test's slow code). */
    Runnable during = () -> {};

    Checkout(Future<Long> price) {
      this.price = price;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Poll<Long> poll(Context cx) {
      during.run();
      Future<Long> f = state == 0 ? price : (Future<Long>) L0;
      L0 = null;
      Poll<Long> p = f.poll(cx);
      if (p.isPending()) {
        L0 = f;
        state = 1;
        return p;
      }
      state = -1;
      return p;
    }

    @Override
    public String toString() {
      return "Shop.checkout frame, state " + state;
    }
  }

  /** Shop.price: awaits {@code reply} (any future) at Shop.java:31; keeps a value in L0. */
  static final class Price implements Future<Long> {
    /** The await-point table, as the agent writes it: the awaited future in L1. */
    static final String AWAIT_POINTS = "Shop.price\nShop.java:30\t\t\n"
        + "Shop.java:31\treply\tL1\nShop.java:33\treturn ready(...)\tL0";

    /** 0 before the first poll, 1 parked at the await, -1 done. */
    int state;

    /** A kept value (not the awaited future). */
    Object L0;

    /** The awaited future while parked. */
    Object L1;

    /** What the first poll awaits. */
    private final Future<Long> reply;

    /** Runs at the start of each poll (a test's slow code). */
    Runnable during = () -> {};

    Price(Future<Long> reply) {
      this.reply = reply;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Poll<Long> poll(Context cx) {
      during.run();
      Future<Long> f = state == 0 ? reply : (Future<Long>) L1;
      L1 = null;
      Poll<Long> p = f.poll(cx);
      if (p.isPending()) {
        L0 = "kept";
        L1 = f;
        state = 1;
        return p;
      }
      L0 = null;
      state = -1;
      return p;
    }

    @Override
    public String toString() {
      return "Shop.price frame, state " + state;
    }
  }
}
