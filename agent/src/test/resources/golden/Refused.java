// SPDX-License-Identifier: Apache-2.0
package golden;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;

/** What the agent refuses: the methods' bodies become a throw of the reason. */
public class Refused {

  static final Object LOCK = new Object();

  static Future<Integer> monitorAcrossAwait(Future<Integer> x) {
    synchronized (LOCK) {
      return Future.ready(await(x));
    }
  }

  static int notAFuture(Future<Integer> x) {
    return await(x);
  }

  public static String run() {
    StringBuilder out = new StringBuilder();
    try {
      monitorAcrossAwait(Future.ready(1));
    } catch (IllegalStateException e) {
      out.append(e.getMessage().contains("synchronized block")).append(';');
    }
    try {
      notAFuture(Future.ready(1));
    } catch (IllegalStateException e) {
      out.append(e.getMessage().contains("returns int")).append(';');
    }
    return out.toString();
  }
}
