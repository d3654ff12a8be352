// SPDX-License-Identifier: Apache-2.0
package golden;

import static dev.tinyrt.Async.await;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The cart written for EA Async: it returns a CompletableFuture and starts at once. */
public class EaCart {

  static CompletableFuture<Long> cartTotal(
      CompletableFuture<Long> socks, CompletionStage<Long> shoes) {
    long socksPrice = await(socks);
    long shoesPrice = await(shoes);
    return CompletableFuture.completedFuture(socksPrice + shoesPrice);
  }

  public static String run() {
    CompletableFuture<Long> socks = new CompletableFuture<>();
    CompletableFuture<Long> shoes = new CompletableFuture<>();
    CompletableFuture<Long> cart = cartTotal(socks, shoes);
    String first = String.valueOf(cart.isDone());
    socks.complete(12L);
    String second = String.valueOf(cart.isDone());
    shoes.complete(89L);
    return first + " " + second + " " + cart.getNow(-1L);
  }
}
