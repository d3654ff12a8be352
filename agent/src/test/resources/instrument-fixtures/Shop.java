// SPDX-License-Identifier: Apache-2.0
package fixture;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Async;
import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;

/** A cart whose first await is pending: its own future wakes itself, then is ready. */
public class Shop {
  static int polls;

  static final class Later implements Future<Long> {
    boolean woken;

    @Override
    public Poll<Long> poll(Context cx) {
      polls++;
      if (woken) {
        return Poll.ready(12L);
      }
      woken = true;
      cx.waker().wake();
      return Poll.pending();
    }
  }

  static Future<Long> cartTotal(Future<Long> socks, Future<Long> shoes) {
    long socksPrice = await(socks); // AWAIT
    long shoesPrice = await(shoes);
    return Future.ready(socksPrice + shoesPrice);
  }

  public static String run() {
    long total = Async.blockOn(cartTotal(new Later(), Future.ready(89L)));
    return "total " + total + " after " + polls + " polls of the socks";
  }

  public static void main(String[] args) {
    System.out.println(run());
  }
}
