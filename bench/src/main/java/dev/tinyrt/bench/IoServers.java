// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.io.IoDriver;
import dev.tinyrt.io.TcpListener;
import dev.tinyrt.io.TcpStream;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.IoMode;
import dev.tinyrt.rt.Tasks;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The connection scenarios' server: one contender serves N loopback connections opened by an
 * {@link IoLoadClient} in a separate JVM (so this process's heap and RSS hold the server side
 * only, and each process stays within its open-files limit). Two modes:
 *
 * <ul>
 *   <li>{@code idle}: every connection waits for a read that never comes; prints the heap (after
 *       full collections) and RSS per connection, against the same process before the client.
 *   <li>{@code echo}: every connection echoes what it reads; prints the client's messages per
 *       second and its p50/p99 round-trip latency.
 * </ul>
 *
 * <p>{@code java -javaagent:tinyrt-agent.jar -cp tinyrt-benchmarks.jar dev.tinyrt.bench.IoServers
 * CONTENDER N WARMUPS MODE [SECONDS]}; contenders: {@code tinyrt-multi-thread} (a task per
 * connection on the multi-threaded runtime, sockets on the one I/O driver thread), {@code
 * tinyrt-per-worker} (the same, each worker selecting on its own selector), {@code
 * tinyrt-current-thread} (a current-thread runtime whose thread selects itself), {@code
 * platform-threads} and {@code virtual-threads} (a thread per connection, blocking sockets), and,
 * for {@code idle}, {@code sockets-only} (accepted sockets kept in a list, nobody reading: the
 * floor every contender pays).
 */
public final class IoServers {

  private IoServers() {}

  /**
   * Bytes each connection reads into: the same buffer for every contender. A thread per connection
   * holds it while it blocks in a read; tinyrt's handlers take it only to read what came.
   */
  static final int BUFFER = 64;

  /** How many server-side handlers wait in a read (idle) or were started (echo). */
  static final AtomicInteger waiting = new AtomicInteger();

  /** {@code sockets-only}: the accepted channels, kept open. Guarded by itself. */
  static final List<SocketChannel> kept = new ArrayList<>();

  /** Accepts connections forever, each served by its own task. */
  static Future<Void> acceptLoop(TcpListener listener, boolean echo) throws IOException {
    while (serving) {
      TcpStream stream = await(listener.accept());
      Tasks.spawn(echo ? echo(stream) : idle(stream));
    }
    return Future.ready(null);
  }

  /** Keeps the accept loops going; the process exits when it has measured. */
  static volatile boolean serving = true;

  /**
   * Waits for bytes that never come; ends when the client closes. It waits with {@link
   * TcpStream#readable()}, holding no buffer: one is taken only to read what came.
   */
  static Future<Void> idle(TcpStream stream) throws IOException {
    try (stream) {
      waiting.incrementAndGet();
      while (true) {
        int n = stream.tryRead(ByteBuffer.allocate(BUFFER));
        if (n < 0) {
          break;
        }
        if (n == 0) {
          await(stream.readable()); // an idle connection's client sends nothing
        }
      }
    }
    return Future.ready(null);
  }

  /**
   * Sends back what it reads until the end of the stream. Between messages it waits with {@link
   * TcpStream#readable()}, holding no buffer; the buffer lives while a message is read and written.
   * {@code readable()} answers at once while the socket is known readable (a read that filled its
   * buffer leaves it so), else after one select: one read per message, none that finds nothing.
   */
  static Future<Void> echo(TcpStream stream) throws IOException {
    try (stream) {
      waiting.incrementAndGet();
      while (true) {
        await(stream.readable());
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        int n = stream.tryRead(buffer);
        if (n < 0) {
          break;
        }
        if (n > 0) {
          await(stream.writeAll(buffer.flip()));
        }
      }
    }
    return Future.ready(null);
  }

  /** A thread per connection: blocking reads (and writes, for echo). */
  static void blockingHandler(SocketChannel channel, boolean echo) {
    try (channel) {
      ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
      waiting.incrementAndGet();
      while (channel.read(buffer.clear()) >= 0) {
        if (echo) {
          buffer.flip();
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
        }
      }
    } catch (IOException e) {
      // the client went away: the handler ends, as the async ones do
    }
  }

  /**
   * Runs one measured run.
   *
   * @param args contender, N connections, warm-up rounds (echo only: warm-up seconds), mode,
   *     measured seconds (echo)
   */
  public static void main(String[] args) throws Exception {
    String contender = args[0];
    int n = Integer.parseInt(args[1]);
    int warmups = Integer.parseInt(args[2]);
    String mode = args[3];
    double seconds = args.length > 4 ? Double.parseDouble(args[4]) : 2;
    boolean echo = mode.equals("echo");
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    // The server, listening before the baseline is read (its runtime and threads are in it).
    InetSocketAddress address;
    AsyncRuntime rt = null;
    switch (contender) {
      case "tinyrt-multi-thread", "tinyrt-per-worker" -> {
        rt = AsyncRuntime.builder().io(contender.equals("tinyrt-per-worker")
            ? IoMode.PER_WORKER : IoMode.DRIVER_THREAD).build();
        TcpListener listener = TcpListener.bind(any, IoDriver.of(rt));
        address = listener.localAddress();
        rt.spawn(acceptLoop(listener, echo));
      }
      case "tinyrt-current-thread" -> {
        AsyncRuntime local = AsyncRuntime.currentThread();
        TcpListener listener = TcpListener.bind(any, IoDriver.of(local));
        address = listener.localAddress();
        Thread driver = new Thread(() -> local.blockOn(acceptLoop0(listener, echo)), "driver");
        driver.setDaemon(true);
        driver.start();
        rt = local;
      }
      case "platform-threads", "virtual-threads", "sockets-only" -> {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(any, 1024);
        address = (InetSocketAddress) server.getLocalAddress();
        Thread acceptor = new Thread(() -> {
          try {
            while (true) {
              SocketChannel c = server.accept();
              switch (contender) {
                case "platform-threads" -> {
                  Thread t = new Thread(() -> blockingHandler(c, echo));
                  t.setDaemon(true);
                  t.start();
                }
                case "virtual-threads" -> Measure.startVirtual(() -> blockingHandler(c, echo));
                default -> {
                  synchronized (kept) {
                    kept.add(c);
                  }
                  waiting.incrementAndGet();
                }
              }
            }
          } catch (IOException e) {
            // closed at exit
          }
        }, "acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
      }
      default -> throw new IllegalArgumentException("unknown contender " + contender);
    }

    Map<String, Double> m = Measure.metrics();
    if (echo) {
      Map<String, Double> client = runClient("echo", address, n, warmups, seconds);
      m.putAll(client);
    } else {
      // Warm up: a smaller round of connections opened, waited on, and closed.
      for (int i = 0; i < warmups; i++) {
        int before = waiting.get();
        Process warm = startClient("idle", address, Math.max(1, n / 10), 0, 0);
        awaitWaiting(before + Math.max(1, n / 10), warm);
        finishClient(warm);
        closeKept(); // nobody reads them, so nobody else closes them
      }
      long heap0 = Measure.heapAfterGc();
      long rss0 = Measure.rss();
      int before = waiting.get();
      Process client = startClient("idle", address, n, 0, 0);
      awaitWaiting(before + n, client);
      long heap1 = Measure.heapAfterGc();
      long rss1 = Measure.rss();
      finishClient(client);
      m.put("heap_bytes_per_conn", (heap1 - heap0) / (double) n);
      m.put("rss_bytes_per_conn", (rss1 - rss0) / (double) n);
    }
    Measure.report(m);
    System.out.flush();
    System.exit(0); // the servers' threads and tasks wait forever: no graceful shutdown to measure
  }

  /** Closes the channels {@code sockets-only} keeps: the warm-up's must not count, nor hold fds. */
  static void closeKept() throws IOException {
    synchronized (kept) {
      for (SocketChannel c : kept) {
        c.close();
      }
      kept.clear();
    }
  }

  /** {@link #acceptLoop} for a lambda: the checked exception becomes the task's failure. */
  static Future<Void> acceptLoop0(TcpListener listener, boolean echo) {
    try {
      return acceptLoop(listener, echo);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Waits until {@code count} handlers wait in a read (polling: this is a benchmark, not a test). */
  static void awaitWaiting(int count, Process client) throws InterruptedException {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (waiting.get() < count) {
      if (!client.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + waiting.get() + " of " + count
            + " connections came (client alive: " + client.isAlive() + ")");
      }
      Thread.sleep(10);
    }
  }

  /** Starts the load client JVM. */
  static Process startClient(String mode, InetSocketAddress address, int n, double warmupSeconds,
      double seconds) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        new File(System.getProperty("java.home"), "bin/java").getPath(), "-Xmx1g", "-cp",
        System.getProperty("java.class.path"), IoLoadClient.class.getName(), mode,
        address.getHostString(), String.valueOf(address.getPort()), String.valueOf(n),
        String.valueOf(warmupSeconds), String.valueOf(seconds)));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** Tells an idle client to close its connections, and waits for it to exit. */
  static void finishClient(Process client) throws IOException, InterruptedException {
    try (OutputStream in = client.getOutputStream()) {
      in.write("done\n".getBytes(StandardCharsets.UTF_8));
    }
    client.getInputStream().readAllBytes();
    client.waitFor();
  }

  /** Runs an echo client to its end and returns the metrics it printed. */
  static Map<String, Double> runClient(String mode, InetSocketAddress address, int n,
      double warmupSeconds, double seconds) throws IOException, InterruptedException {
    Process client = startClient(mode, address, n, warmupSeconds, seconds);
    client.getOutputStream().close();
    String line = null;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = out.readLine()) != null; ) {
        if (l.startsWith("{")) {
          line = l;
        }
      }
    }
    if (client.waitFor() != 0 || line == null) {
      throw new IllegalStateException("the echo client failed (exit " + client.exitValue() + ")");
    }
    Map<String, Double> m = Measure.metrics();
    Matcher kv = Pattern.compile("\"([a-z_0-9]+)\":([-0-9.E]+)").matcher(line);
    while (kv.find()) {
      m.put(kv.group(1), Double.parseDouble(kv.group(2)));
    }
    return m;
  }
}
