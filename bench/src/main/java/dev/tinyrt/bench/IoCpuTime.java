// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import dev.tinyrt.Async;
import dev.tinyrt.Poll;
import dev.tinyrt.io.IoDriver;
import dev.tinyrt.io.TcpListener;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.IoMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The echo server of {@link IoServers} timed by CPU time per message, not by the wall clock: on a
 * loaded machine the wall clock measures the wait for a core, while the server threads' CPU time
 * ({@code ThreadMXBean}) stays close to what serving a message costs. Server and client run in
 * one JVM: the client is one thread of plain {@code java.nio} (a closed loop, one 32-byte message
 * in flight per connection), and its CPU time is reported apart.
 *
 * <p>{@code java -javaagent:tinyrt-agent.jar -cp tinyrt-benchmarks.jar dev.tinyrt.bench.IoCpuTime
 * driver-thread|per-worker|per-worker-bind|per-worker-system|current-thread CONNECTIONS MESSAGES
 * [ROUNDS [WORKERS]]} (per-worker-bind: the listener bound by a task with {@code
 * TcpListener.bind(address)}; per-worker-system: on {@code IoDriver.system()}, what that call did
 * before it used the caller's runtime): MESSAGES round
 * trips per round, spread over the connections; two warm-up rounds, then one JSON line per round
 * with the server's and the client's CPU nanoseconds per message and the wall time.
 */
public final class IoCpuTime {

  private IoCpuTime() {}

  /** The JVM's per-thread CPU clock. */
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** The runtime's name: its workers' names start with it. */
  private static final String NAME = "iocpu";

  /**
   * Starts the server, then runs the rounds.
   *
   * @param args mode, connections, messages per round, measured rounds, workers
   */
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int connections = Integer.parseInt(args[1]);
    int messages = Integer.parseInt(args[2]);
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int workers = args.length > 4 ? Integer.parseInt(args[4])
        : Runtime.getRuntime().availableProcessors();
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    AsyncRuntime rt;
    InetSocketAddress address;
    if (mode.equals("current-thread")) {
      rt = AsyncRuntime.builder().currentThread().name(NAME).build();
      TcpListener listener = TcpListener.bind(any, IoDriver.of(rt));
      address = listener.localAddress();
      AsyncRuntime local = rt;
      Thread driver = new Thread(() -> local.blockOn(IoServers.acceptLoop0(listener, true)),
          NAME + "-driver");
      driver.setDaemon(true);
      driver.start();
    } else {
      IoMode io = switch (mode) {
        case "driver-thread" -> IoMode.DRIVER_THREAD;
        case "per-worker", "per-worker-bind", "per-worker-system" -> IoMode.PER_WORKER;
        default -> throw new IllegalArgumentException("unknown mode " + mode + ": use "
            + "driver-thread, per-worker, per-worker-bind, per-worker-system or current-thread");
      };
      rt = AsyncRuntime.builder().multiThread(workers).io(io).name(NAME).build();
      TcpListener listener = switch (mode) {
        // What a user writes: TcpListener.bind(address) in a task, no driver named.
        case "per-worker-bind" -> Async.blockOn(rt.spawn(cx -> {
          try {
            return Poll.ready(TcpListener.bind(any));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }));
        // What that call did before it used the caller's runtime: the system driver's thread.
        case "per-worker-system" -> TcpListener.bind(any, IoDriver.system());
        default -> TcpListener.bind(any, IoDriver.of(rt));
      };
      address = listener.localAddress();
      rt.spawn(IoServers.acceptLoop(listener, true));
    }
    List<SocketChannel> channels = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      SocketChannel c = SocketChannel.open(address);
      c.setOption(StandardSocketOptions.TCP_NODELAY, true);
      c.configureBlocking(false);
      channels.add(c);
    }
    Selector selector = Selector.open();
    for (SocketChannel c : channels) {
      c.register(selector, SelectionKey.OP_READ, new IoLoadClient.Conn());
    }
    for (int i = 0; i < 2; i++) {
      round(selector, messages, mode);
    }
    for (int i = 0; i < rounds; i++) {
      Map<String, Double> m = round(selector, messages, mode);
      System.out.print(mode + " ");
      Measure.report(m);
    }
    System.exit(0); // the server's tasks wait forever
  }

  /** @return the CPU nanoseconds of the server's threads so far: the runtime's and the I/O's */
  @SuppressWarnings("deprecation") // Thread.getId: threadId() is Java 19+
  static long serverCpu() {
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String n = t.getName();
      if (n.startsWith(NAME) || n.startsWith("tinyrt-io-")) {
        long cpu = THREADS.getThreadCpuTime(t.getId());
        sum += Math.max(0, cpu);
      }
    }
    return sum;
  }

  /** One round: {@code messages} round trips over every connection; the costs per message. */
  static Map<String, Double> round(Selector selector, int messages, String mode)
      throws IOException {
    long server0 = serverCpu();
    long client0 = THREADS.getCurrentThreadCpuTime();
    long wall0 = System.nanoTime();
    long now = wall0;
    int sent = 0;
    int done = 0;
    for (SelectionKey key : selector.keys()) {
      if (sent < messages) {
        IoLoadClient.send(key, (IoLoadClient.Conn) key.attachment(), now);
        sent++;
      }
    }
    while (done < messages) {
      selector.select();
      Iterator<SelectionKey> it = selector.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey key = it.next();
        it.remove();
        if (IoLoadClient.echoedBack(key)) {
          IoLoadClient.Conn conn = (IoLoadClient.Conn) key.attachment();
          done++;
          conn.in.clear();
          if (sent < messages) {
            IoLoadClient.send(key, conn, System.nanoTime());
            sent++;
          }
        }
      }
    }
    long wall = System.nanoTime() - wall0;
    long client = THREADS.getCurrentThreadCpuTime() - client0;
    long server = serverCpu() - server0;
    Map<String, Double> m = Measure.metrics();
    m.put("server_cpu_ns_per_message", server / (double) messages);
    m.put("client_cpu_ns_per_message", client / (double) messages);
    m.put("wall_ns_per_message", wall / (double) messages);
    return m;
  }
}
