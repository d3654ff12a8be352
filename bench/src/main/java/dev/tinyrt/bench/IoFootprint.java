// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import dev.tinyrt.io.IoDriver;
import dev.tinyrt.io.TcpListener;
import dev.tinyrt.rt.AsyncRuntime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.util.Multiset;

/**
 * What one idle connection holds on the server, object by object: the {@code io-idle} scenario's
 * server ({@link IoServers#acceptLoop}, a task per connection waiting in a read) on the
 * multi-threaded runtime, walked by JOL from its roots (the runtime, the I/O driver, the listener)
 * before and after {@code N} more connections; the difference per class, divided by {@code N}.
 * The clients are plain blocking channels in this JVM that nothing on the server side reaches.
 *
 * <p>{@code java -javaagent:agent/target/tinyrt-agent.jar -cp bench/target/tinyrt-benchmarks.jar
 * dev.tinyrt.bench.IoFootprint [N]}
 */
public final class IoFootprint {

  private IoFootprint() {}

  /**
   * Prints the table.
   *
   * @param args the number of connections measured (default 200)
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int warm = 20;
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    AsyncRuntime rt = AsyncRuntime.multiThread();
    IoDriver io = IoDriver.of(rt);
    TcpListener listener = TcpListener.bind(any, io);
    rt.spawn(IoServers.acceptLoop(listener, /* echo = */ false));
    List<SocketChannel> clients = new ArrayList<>();

    // Warm up: connections whose first-time costs (tables grown, classes) stay out of the figure.
    connect(listener.localAddress(), warm, clients, io);
    GraphLayout before = GraphLayout.parseInstance(rt, io, listener);
    connect(listener.localAddress(), n, clients, io);
    GraphLayout after = GraphLayout.parseInstance(rt, io, listener);

    // The difference, class by class.
    Multiset<Class<?>> counts0 = before.getClassCounts();
    Multiset<Class<?>> sizes0 = before.getClassSizes();
    Multiset<Class<?>> counts1 = after.getClassCounts();
    Multiset<Class<?>> sizes1 = after.getClassSizes();
    List<Class<?>> classes = new ArrayList<>(after.getClasses());
    classes.sort(Comparator.comparingLong((Class<?> c) -> sizes1.count(c) - sizes0.count(c))
        .reversed());
    System.out.printf(Locale.ROOT, "| object | per conn | bytes per conn |%n|---|---:|---:|%n");
    double total = 0;
    for (Class<?> c : classes) {
      long dc = counts1.count(c) - counts0.count(c);
      long ds = sizes1.count(c) - sizes0.count(c);
      if (ds == 0) {
        continue;
      }
      total += ds / (double) n;
      System.out.printf(Locale.ROOT, "| %s | %.2f | %.1f |%n", c.getName(), dc / (double) n,
          ds / (double) n);
    }
    System.out.printf(Locale.ROOT, "| total | | %.1f |%n", total);
    for (SocketChannel c : clients) {
      c.close();
    }
    System.exit(0);
  }

  /** Opens {@code count} clients and waits until the server's tasks wait in their reads. */
  private static void connect(InetSocketAddress address, int count, List<SocketChannel> clients,
      IoDriver io) throws Exception {
    int target = IoServers.waiting.get() + count;
    for (int i = 0; i < count; i++) {
      clients.add(SocketChannel.open(address));
    }
    while (IoServers.waiting.get() < target) {
      Thread.sleep(10); // a measurement tool, not a test
    }
    // Every read registered: the listener's key and one per connection ask for readiness.
    int keys = clients.size() + 1;
    while (io.keyCount().get().interested() < keys) {
      Thread.sleep(10);
    }
  }
}
