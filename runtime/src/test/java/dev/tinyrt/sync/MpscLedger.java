// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

/** The mpsc model checks' closing count: every value sent was received once or is still queued. */
final class MpscLedger {

  private MpscLedger() {}

  /**
   * Drains {@code receiver} and checks that what was received plus what is still queued is what
   * was sent: no value lost, none delivered twice.
   *
   * @param receiver the channel's receiver, with no receive waiting any more
   * @param sent values sent (a ready send future, or a trySend that returned true)
   * @param received values a receive returned
   */
  static void assertEachValueOnce(Mpsc.Receiver<?> receiver, int sent, int received) {
    int queued = 0;
    while (receiver.tryRecv() != null) {
      queued++;
    }
    if (received + queued != sent) {
      throw new AssertionError("sent " + sent + ", received " + received + ", still queued "
          + queued);
    }
  }
}
