// SPDX-License-Identifier: Apache-2.0
package fixture;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;

/** A blocking call in an async method: rewritten, with a warning at the marked line. */
public class Sleepy {
  static Future<Long> sleepy(Future<Long> price) throws InterruptedException {
    Thread.sleep(1); // BLOCKING
    return Future.ready(await(price));
  }
}
