// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;

/** Methods the agent must refuse, for {@link RefusalsIT}. Not a test class: nothing scans it. */
final class RefusalFixtures {

  private RefusalFixtures() {}

  static final class SynchronizedBlock {
    static final Object lock = new Object();

    static Future<Integer> holdsAMonitor(Future<Integer> x) {
      synchronized (lock) {
        int v = await(x); // MONITOR-AWAIT
        return Future.ready(v);
      }
    }

    static int stillWorks() {
      return 7;
    }
  }

  static final class SynchronizedMethod {
    static synchronized Future<Integer> isSynchronized(Future<Integer> x) {
      return Future.ready(await(x)); // SYNC-METHOD-AWAIT
    }
  }

  static final class NotAFuture {
    static int returnsInt(Future<Integer> x) {
      return await(x) + 1; // NOT-FUTURE-AWAIT
    }

    static Future<Integer> fine(Future<Integer> x) {
      return Future.ready(await(x) * 2);
    }
  }
}
