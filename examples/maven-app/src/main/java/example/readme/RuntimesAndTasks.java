// SPDX-License-Identifier: Apache-2.0
package example.readme;

import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;

/** The README's "Runtimes and tasks". */
final class RuntimesAndTasks {

  private RuntimesAndTasks() {}

  static long run(Future<Long> socks, Future<Long> shoes) {
    try (AsyncRuntime rt = AsyncRuntime.multiThread()) {
      JoinHandle<Long> cart = rt.spawn(cartTotal(socks, shoes));  // runs now, on a worker
      long total = rt.blockOn(cart);                 // await(cart) inside a task
      cart.abort(); cart.isFinished(); cart.toCompletableFuture();
      return total;
    }
  }

  static Future<Long> cartTotal(Future<Long> socks, Future<Long> shoes) {
    return ApiInTenLines.cartTotal(socks, shoes);
  }
}
