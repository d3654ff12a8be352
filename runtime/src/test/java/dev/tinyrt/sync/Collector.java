// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

/**
 * Requests garbage collections from a helper thread while the test thread blocks on a receiver
 * whose sender was dropped: the Cleaner closes the channel once the sender is collected.
 */
final class Collector implements AutoCloseable {

  private final Thread thread = new Thread(() -> {
    while (!Thread.currentThread().isInterrupted()) {
      System.gc();
      Thread.onSpinWait();
    }
  }, "test-collector");

  Collector() {
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
