// SPDX-License-Identifier: Apache-2.0
package example.readme;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Async;
import dev.tinyrt.Future;
import dev.tinyrt.sync.Oneshot;
import java.util.concurrent.ExecutorService;

/** The README's "The API in ten lines". */
final class ApiInTenLines {

  private ApiInTenLines() {}

  static Future<Long> cartTotal(Future<Long> socks, Future<Long> shoes) {  // an async method
    long socksPrice = await(socks);            // suspends the method, not the thread
    long shoesPrice = await(shoes);
    return Future.ready(socksPrice + shoesPrice);
  }

  static long main(ExecutorService worker) {
    Oneshot.Channel<Long> socks = Oneshot.channel();   // one value, sender -> receiver (a Future)
    worker.submit(() -> socks.sender().send(12L));     // send wakes the receiver; close() sends nothing
    long total = Async.blockOn(cartTotal(socks.receiver(), Future.ready(89L))); // drive it here
    Async.init();                                      // enable the agent without -javaagent
    return total;
  }
}
