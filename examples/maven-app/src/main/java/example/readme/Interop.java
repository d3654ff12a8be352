// SPDX-License-Identifier: Apache-2.0
package example.readme;

import static dev.tinyrt.Async.await;
import static java.net.http.HttpResponse.BodyHandlers.ofString;

import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.rt.AsyncRuntime;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The README's "Combinators and JDK interop". */
final class Interop {

  private Interop() {}

  static Future<Long> socksPrice() {
    return Future.ready(12L);
  }

  static Future<Long> shoesPrice() {
    return Future.ready(89L);
  }

  static Future<Long> cartTotal(Future<Long> socks, Future<Long> shoes) {
    return ApiInTenLines.cartTotal(socks, shoes);
  }

  static Future<String> primary() {
    return Future.ready("primary");
  }

  static Future<String> mirror() {
    return Future.ready("mirror");
  }

  static Future<String> run(HttpClient httpClient, HttpRequest request, AsyncRuntime rt,
      Future<Long> a, Future<Long> b, CompletionStage<String> someStage) {
    List<Long> prices = await(Futures.joinAll(socksPrice(), shoesPrice()));
    Futures.Selected<String> first = await(Futures.select(List.of(primary(), mirror()))); // loser unwound
    String body = await(httpClient.sendAsync(request, ofString())).body(); // await(CompletionStage) directly
    CompletableFuture<Long> cf = rt.spawn(cartTotal(a, b)).toCompletableFuture(); // cancel() aborts
    Future<String> f = Futures.fromStage(someStage);
    return f;
  }
}
