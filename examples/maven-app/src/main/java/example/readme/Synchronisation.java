// SPDX-License-Identifier: Apache-2.0
package example.readme;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.sync.Mutex;
import dev.tinyrt.sync.Notify;
import dev.tinyrt.sync.Semaphore;

/** The README's "Synchronisation". */
final class Synchronisation {

  private Synchronisation() {}

  static final class Cart {
    long total;

    void add(long price) {
      total += price;
    }
  }

  static Future<Long> price(String item) {
    return Future.ready((long) item.length());
  }

  static Future<Void> send(String request) {
    return Future.ready(null);
  }

  static Future<Void> run(Mutex<Cart> cart, String item, Semaphore connections, String request,
      Notify ready) {
    try (Mutex.Guard<Cart> g = await(cart.lock())) { g.get().add(await(price(item))); }
    try (Semaphore.Permit p = await(connections.acquire())) { await(send(request)); }
    await(ready.notified());   // ready.notifyOne() or ready.notifyWaiters() elsewhere
    return Future.ready(null);
  }
}
