// SPDX-License-Identifier: Apache-2.0
package golden;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Waker;
import dev.tinyrt.sync.Oneshot;

/** The chapter's cart: the golden spec of the rewrite (see CartTotal in the demo, by hand). */
public class Cart {

  static Future<Long> cartTotal(Future<Long> socks, Future<Long> shoes) {
    long socksPrice = await(socks);
    long shoesPrice = await(shoes);
    return Future.ready(socksPrice + shoesPrice);
  }

  public static String run() {
    Oneshot.Channel<Long> socks = Oneshot.channel();
    Oneshot.Channel<Long> shoes = Oneshot.channel();
    Context cx = Context.from(Waker.noop());
    Future<Long> cart = cartTotal(socks.receiver(), shoes.receiver());
    String first = cart.poll(cx).toString();
    socks.sender().send(12L);
    String second = cart.poll(cx).toString();
    shoes.sender().send(89L);
    return first + " " + second + " " + cart.poll(cx);
  }
}
