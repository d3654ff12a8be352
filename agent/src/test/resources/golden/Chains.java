// SPDX-License-Identifier: Apache-2.0
package golden;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Waker;
import dev.tinyrt.sync.Oneshot;

/**
 * Awaits whose operands stack on the ones before them (codegen/OperandChains): each suspension
 * stores only what its await adds, and one resume block pushes the chain's operands.
 */
public class Chains {

  static Future<String> concatenation(String a, long n, Future<String> x, Future<Integer> y) {
    return Future.ready(a + await(x) + n + await(y) + a);
  }

  public static String run() {
    Oneshot.Channel<String> x = Oneshot.channel();
    Oneshot.Channel<Integer> y = Oneshot.channel();
    Context cx = Context.from(Waker.noop());
    Future<String> joined = concatenation("a", 7L, x.receiver(), y.receiver());
    String first = joined.poll(cx).toString();
    x.sender().send("x");
    String second = joined.poll(cx).toString();
    y.sender().send(3);
    return first + " " + second + " " + joined.poll(cx);
  }
}
