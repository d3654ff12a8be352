// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Async;
import dev.tinyrt.Future;

/** Programs that call {@code Async.init()}, run in their own JVM by {@link SelfAttachIT}. */
final class InitFixtures {

  private InitFixtures() {}

  /** A launcher without async methods: init first, then load the class that has them. */
  static final class Launcher {
    public static void main(String[] args) {
      Async.init();
      Async.init(); // a second call does nothing
      System.out.println("total " + Async.blockOn(Shop.cartTotal(Future.ready(12L), Future.ready(89L))));
    }
  }

  /** Loaded only after {@code Async.init()}. */
  static final class Shop {
    static Future<Long> cartTotal(Future<Long> socks, Future<Long> shoes) {
      long socksPrice = await(socks);
      long shoesPrice = await(shoes);
      return Future.ready(socksPrice + shoesPrice);
    }
  }

  /** A main class with an async method of its own: it loaded before {@code Async.init()}. */
  static final class TooEarly {
    static Future<Long> early(Future<Long> x) {
      return Future.ready(await(x));
    }

    public static void main(String[] args) {
      Async.init();
      try {
        Async.blockOn(early(Future.ready(1L)));
        System.out.println("rewritten after all?");
      } catch (IllegalStateException e) {
        System.out.println("early: " + e.getMessage());
      }
    }
  }
}
