// SPDX-License-Identifier: Apache-2.0
import static dev.tinyrt.Async.await;

import java.util.concurrent.CompletableFuture;

/** An EA Async-style method in the default package, rewritten by the agent like any other. */
public class EaNoPackage {

  /** @return a future of {@code a}'s value twice, once {@code a} completes */
  public static CompletableFuture<String> twice(CompletableFuture<String> a) {
    String s = await(a);
    return CompletableFuture.completedFuture(s + s);
  }
}
