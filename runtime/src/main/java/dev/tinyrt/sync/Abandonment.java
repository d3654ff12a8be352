// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.internal.RuntimeThreads;
import java.lang.ref.Cleaner;

/**
 * Notices senders that become unreachable without having finished, so their receivers fail
 * instead of waiting forever, and an mpsc receiver that does, so its senders fail. One daemon
 * thread for the whole runtime.
 */
final class Abandonment {

  /** The cleaner whose thread runs the abandonment actions. */
  static final Cleaner CLEANER = Cleaner.create(runnable -> {
    return RuntimeThreads.service("tinyrt-abandoned-channel-ends",
        "the channels' abandoned senders and receivers", runnable);
  });

  private Abandonment() {}
}
