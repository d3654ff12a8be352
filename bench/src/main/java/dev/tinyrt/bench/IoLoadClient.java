// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The load client of {@link IoServers}, in a JVM of its own, the same for every contender: plain
 * {@code java.nio}, one thread.
 *
 * <ul>
 *   <li>{@code idle}: opens N connections, sends nothing, and closes them when its standard input
 *       says {@code done} (or ends).
 *   <li>{@code echo}: opens N connections and keeps one 32-byte message in flight on each (a
 *       closed loop: the next leaves when the echo is back); after the warm-up seconds, counts the
 *       round trips of the measured seconds and prints messages per second and the p50/p99
 *       round-trip latency in microseconds.
 * </ul>
 *
 * <p>{@code java -cp tinyrt-benchmarks.jar dev.tinyrt.bench.IoLoadClient MODE HOST PORT N
 * WARMUP_SECONDS SECONDS}
 */
public final class IoLoadClient {

  private IoLoadClient() {}

  /** The message each connection sends and waits to see back. */
  static final int MESSAGE = 32;

  /** At most this many latencies are kept for the percentiles (later ones are counted only). */
  static final int MAX_SAMPLES = 1 << 22;

  /** One connection's state in the echo loop. */
  static final class Conn {
    /** The message going out. */
    final ByteBuffer out = ByteBuffer.allocate(MESSAGE);
    /** The echo coming back. */
    final ByteBuffer in = ByteBuffer.allocate(MESSAGE);
    /** When the message in flight was sent. */
    long sentAt;
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    InetSocketAddress server = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
    int n = Integer.parseInt(args[3]);
    double warmupSeconds = Double.parseDouble(args[4]);
    double seconds = Double.parseDouble(args[5]);
    List<SocketChannel> channels = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      SocketChannel c = SocketChannel.open(server);
      c.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channels.add(c);
    }
    if (mode.equals("idle")) {
      System.in.read(); // "done", or the end of the input
      for (SocketChannel c : channels) {
        c.close();
      }
      return;
    }
    echo(channels, warmupSeconds, seconds);
  }

  static void echo(List<SocketChannel> channels, double warmupSeconds, double seconds)
      throws IOException {
    Selector selector = Selector.open();
    long now = System.nanoTime();
    for (SocketChannel c : channels) {
      c.configureBlocking(false);
      Conn conn = new Conn();
      SelectionKey key = c.register(selector, SelectionKey.OP_READ, conn);
      send(key, conn, now);
    }
    long[] samples = new long[MAX_SAMPLES];
    int kept = 0;
    long counted = 0;
    long measureFrom = now + (long) (warmupSeconds * 1e9);
    long measureTo = measureFrom + (long) (seconds * 1e9);
    while (true) {
      selector.select(100);
      now = System.nanoTime();
      if (now >= measureTo) {
        break;
      }
      Iterator<SelectionKey> it = selector.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey key = it.next();
        it.remove();
        if (echoedBack(key)) {
          Conn conn = (Conn) key.attachment();
          long done = System.nanoTime();
          if (conn.sentAt >= measureFrom && done < measureTo) {
            counted++;
            if (kept < samples.length) {
              samples[kept++] = done - conn.sentAt;
            }
          }
          send(key, conn, done);
        }
      }
    }
    Arrays.sort(samples, 0, kept);
    Map<String, Double> m = Measure.metrics();
    m.put("messages_per_second", counted / seconds);
    m.put("p50_us", kept == 0 ? Double.NaN : samples[(int) (kept * 0.50)] / 1e3);
    m.put("p99_us", kept == 0 ? Double.NaN : samples[Math.min(kept - 1, (int) (kept * 0.99))] / 1e3);
    Measure.report(m);
    for (SocketChannel c : channels) {
      c.close();
    }
  }

  /** Sends the next message on {@code key}'s connection. */
  /**
   * Serves one selected connection: writes what is left of its message (then waits to read only),
   * reads what came back.
   *
   * @param key a selected key whose attachment is its {@link Conn}
   * @return whether the whole echo of its message is in now
   * @throws IOException if the server closed the connection
   */
  static boolean echoedBack(SelectionKey key) throws IOException {
    Conn conn = (Conn) key.attachment();
    SocketChannel c = (SocketChannel) key.channel();
    if (key.isWritable()) {
      c.write(conn.out);
      if (!conn.out.hasRemaining()) {
        key.interestOps(SelectionKey.OP_READ);
      }
    }
    if (!key.isReadable()) {
      return false;
    }
    if (c.read(conn.in) < 0) {
      throw new IOException("the server closed a connection");
    }
    return !conn.in.hasRemaining();
  }

  static void send(SelectionKey key, Conn conn, long now) throws IOException {
    conn.in.clear();
    conn.out.clear();
    conn.sentAt = now;
    ((SocketChannel) key.channel()).write(conn.out);
    if (conn.out.hasRemaining()) {
      key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }
  }
}
