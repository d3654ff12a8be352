// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Set;

/**
 * The selector as an {@link IoDriver} uses it: {@link #open()} is the JDK's {@link Selector}. An
 * interface so that a model check can run the driver's real park, wake and stop protocol (its
 * state word) over a stand-in whose blocking select it steps by hand ({@code
 * IoDriverParkModelCheckTest}): Lincheck cannot run a real {@code Selector.select}.
 */
interface Selection {

  /**
   * Blocks until a key is ready, {@link #wakeup()} is called (or was, since the last select), or
   * the timeout passes; as {@link Selector#select(long)}.
   *
   * @param timeoutMillis at most this long; 0 for no limit
   * @throws IOException if the selector failed
   */
  void select(long timeoutMillis) throws IOException;

  /**
   * Looks without blocking, and clears a pending {@link #wakeup()}; as {@link
   * Selector#selectNow()}.
   *
   * @throws IOException if the selector failed
   */
  void selectNow() throws IOException;

  /** Makes the select in progress, or the next, return at once. Any thread, never blocks. */
  void wakeup();

  /** @return the keys the last select found ready (removed by the caller as it handles them) */
  Set<SelectionKey> selectedKeys();

  /** @return every key registered */
  Set<SelectionKey> keys();

  /**
   * Registers {@code channel}; on the selecting thread only.
   *
   * @param channel the channel, non-blocking
   * @param ops the first interest set
   * @param attachment the key's attachment
   * @return the key
   * @throws IOException if the channel was closed
   */
  SelectionKey register(SelectableChannel channel, int ops, Object attachment) throws IOException;

  /**
   * Closes the selector, which deregisters every key.
   *
   * @throws IOException if closing failed
   */
  void close() throws IOException;

  /**
   * @return the JDK's selector, newly opened
   * @throws UncheckedIOException if none could be opened (out of descriptors, say)
   */
  static Selection open() {
    Selector selector;
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("could not open a java.nio Selector for the I/O driver", e);
    }
    return new Selection() {
      @Override
      public void select(long timeoutMillis) throws IOException {
        selector.select(timeoutMillis);
      }

      @Override
      public void selectNow() throws IOException {
        selector.selectNow();
      }

      @Override
      public void wakeup() {
        selector.wakeup();
      }

      @Override
      public Set<SelectionKey> selectedKeys() {
        return selector.selectedKeys();
      }

      @Override
      public Set<SelectionKey> keys() {
        return selector.keys();
      }

      @Override
      public SelectionKey register(SelectableChannel channel, int ops, Object attachment)
          throws IOException {
        return channel.register(selector, ops, attachment);
      }

      @Override
      public void close() throws IOException {
        selector.close();
      }
    };
  }
}
