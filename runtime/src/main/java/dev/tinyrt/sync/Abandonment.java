// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import java.lang.ref.Cleaner;

/**
 * Notices senders that become unreachable without having finished, so their receivers fail
 * instead of waiting forever. One daemon thread for the whole runtime.
 */
final class Abandonment {

  /** The cleaner whose thread runs the abandonment actions. */
  static final Cleaner CLEANER = Cleaner.create(runnable -> {
    Thread thread = new Thread(runnable, "tinyrt-abandoned-senders");
    thread.setDaemon(true);
    return thread;
  });

  private Abandonment() {}
}
