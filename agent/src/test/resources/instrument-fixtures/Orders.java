// SPDX-License-Identifier: Apache-2.0
package fixture;

import static dev.tinyrt.Async.await;

import java.util.concurrent.CompletableFuture;

/** An EA-style method that returns the user's own CompletableFuture subclass, {@link Receipt}. */
public class Orders {
  static Receipt<Long> total(CompletableFuture<Long> socks, CompletableFuture<Long> shoes) {
    long socksPrice = await(socks); // EA AWAIT
    long shoesPrice = await(shoes);
    Receipt<Long> receipt = new Receipt<>();
    receipt.complete(socksPrice + shoesPrice);
    return receipt;
  }

  public static String run() {
    CompletableFuture<Long> socks = new CompletableFuture<>();
    Receipt<Long> receipt = total(socks, CompletableFuture.completedFuture(89L));
    String before = receipt.isDone() ? "done before the socks" : "waiting for the socks";
    socks.complete(12L);
    return receipt.getClass().getSimpleName() + " " + receipt.join() + ", " + before;
  }

  public static void main(String[] args) {
    System.out.println(run());
  }
}
