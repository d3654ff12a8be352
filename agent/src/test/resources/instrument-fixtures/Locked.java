// SPDX-License-Identifier: Apache-2.0
package fixture;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;

/** A monitor held across an await: refused, at the marked line. */
public class Locked {
  static Future<Long> locked(Future<Long> price) {
    synchronized (Locked.class) {
      return Future.ready(await(price)); // REFUSED
    }
  }
}
