// SPDX-License-Identifier: Apache-2.0
package example.readme;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;

/** The README's "Cancellation". */
final class Cancellation {

  private Cancellation() {}

  /** What the snippet closes. */
  interface Connection {
    void close();
  }

  /** The connection the snippet's {@code finally} closes. */
  static Connection connection = () -> {};

  static Future<String> fetch(Future<String> reply) {
    try { return Future.ready(await(reply)); }   // abort() throws CancelledException here
    finally { connection.close(); }               // ...so this runs
  }
}
