// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import dev.tinyrt.Async;
import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.io.IoDriver;
import dev.tinyrt.io.LineReader;
import dev.tinyrt.io.TcpListener;
import dev.tinyrt.io.TcpStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Bytes allocated per line a {@link LineReader} returns on a busy connection, read from the exact
 * per-thread counter ({@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes}) around the
 * reader's polls only (the peer's writes are not counted). Two shapes: {@code one-per-read} (a
 * line arrives, is read, the next arrives: a chat client's messages) and {@code bulk} (1,000
 * lines sent at once, read back to back). Each line is 32 bytes with its newline, so the String
 * it becomes (and the future of each {@code readLine}) are part of the figure.
 *
 * <p>{@code java -cp tinyrt-benchmarks.jar dev.tinyrt.bench.LineReaderAllocation [LINES]}
 */
public final class LineReaderAllocation {

  private LineReaderAllocation() {}

  /** The JVM's per-thread allocation counter. */
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** A 32-byte line, newline included. */
  private static final byte[] LINE =
      "0123456789abcdefghijklmnopqrstu\n".getBytes(StandardCharsets.US_ASCII);

  /** A context whose waker does nothing: each poll here finds its bytes already there. */
  private static final Context IDLE = Context.from(() -> {});

  /**
   * Runs both shapes, warmed up, and prints bytes per line.
   *
   * @param args lines per measured round
   */
  public static void main(String[] args) throws Exception {
    int lines = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (IoDriver driver = IoDriver.open();
        TcpListener listener = TcpListener.bind(any, driver);
        SocketChannel peer = SocketChannel.open(listener.localAddress());
        TcpStream stream = Async.blockOn(listener.accept())) {
      LineReader reader = new LineReader(stream);
      ByteBuffer one = ByteBuffer.wrap(LINE);
      ByteBuffer bulk = ByteBuffer.allocate(LINE.length * 1_000);
      while (bulk.hasRemaining()) {
        bulk.put(LINE);
      }
      for (int round = 0; round < 4; round++) {
        Map<String, Double> m = Measure.metrics();
        m.put("one_per_read_bytes_per_line", onePerRead(peer, reader, one, lines));
        m.put("bulk_bytes_per_line", bulk(peer, reader, bulk, lines));
        System.out.print(round < 2 ? "warm-up " : "");
        Measure.report(m);
      }
    }
  }

  /** @return bytes allocated per line when each line is read alone */
  static double onePerRead(SocketChannel peer, LineReader reader, ByteBuffer one, int lines)
      throws Exception {
    long allocated = 0;
    long self = Thread.currentThread().getId();
    for (int i = 0; i < lines; i++) {
      peer.write(one.clear());
      long before = THREADS.getThreadAllocatedBytes(self);
      readOne(reader);
      allocated += THREADS.getThreadAllocatedBytes(self) - before;
    }
    return allocated / (double) lines;
  }

  /** @return bytes allocated per line when lines come 1,000 at a time */
  static double bulk(SocketChannel peer, LineReader reader, ByteBuffer bulk, int lines)
      throws Exception {
    long allocated = 0;
    long read = 0; // whole writes: LINES rounded up to a multiple of perWrite
    long self = Thread.currentThread().getId();
    int perWrite = bulk.capacity() / LINE.length;
    for (int i = 0; i < lines; i += perWrite) {
      bulk.clear();
      while (bulk.hasRemaining()) {
        peer.write(bulk);
      }
      long before = THREADS.getThreadAllocatedBytes(self);
      for (int k = 0; k < perWrite; k++) {
        readOne(reader);
      }
      allocated += THREADS.getThreadAllocatedBytes(self) - before;
      read += perWrite;
    }
    return allocated / (double) read;
  }

  /** Polls one readLine until ready (spinning: the bytes are in flight on loopback at most). */
  private static void readOne(LineReader reader) {
    Future<String> line = reader.readLine();
    Poll<String> p;
    while ((p = line.poll(IDLE)).isPending()) {
      Thread.onSpinWait();
    }
    if (p.get().length() != LINE.length - 1) {
      throw new AssertionError("read " + p.get());
    }
  }
}
