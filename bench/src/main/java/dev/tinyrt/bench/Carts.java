// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;

/** The chapter's cart as an async method: rewritten by the agent the benchmark JVM runs with. */
final class Carts {

  private Carts() {}

  static Future<Long> cartTotal(Future<Long> socks, Future<Long> shoes) {
    long socksPrice = await(socks);
    long shoesPrice = await(shoes);
    return Future.ready(socksPrice + shoesPrice);
  }
}
