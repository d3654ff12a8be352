// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code io} group of {@code scripts/bench} ({@code --only io}): loopback connections served
 * by tinyrt (multi-threaded with its one I/O driver thread, the same with a selector per worker
 * for the echo rows, and current-thread selecting on its own thread), platform threads and virtual threads (a thread per connection, blocking sockets).
 * Each run is {@link IoServers} in a fresh JVM with its {@link IoLoadClient} in another, the
 * contenders interleaved round by round.
 */
final class IoGroup {

  private IoGroup() {}

  /** The idle-connection counts the issue asks for. */
  static final long[] IDLE = {10_000, 50_000};

  /** The active-connection counts of the echo rows. */
  static final long[] ECHO = {100, 1_000};

  /** Descriptors kept free for the JVM itself (jars, the selector, pipes) under the limit. */
  static final long FD_MARGIN = 500;

  /** What the tables say about the counts: the open-files limit, where it cut a row. */
  static final List<String> notes = new ArrayList<>();

  /** @return this process's open-files limit (the children inherit it), or -1 if unknown */
  static long openFilesLimit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
  }

  /** Measures the group's rows. */
  static void run(boolean quick, Path agent, int runs) throws Exception {
    long limit = openFilesLimit();
    List<String> idle = List.of("tinyrt-multi-thread", "tinyrt-current-thread", "virtual-threads",
        "platform-threads", "sockets-only");
    for (long wanted : IDLE) {
      long n = limit > 0 ? Math.min(wanted, limit - FD_MARGIN) : wanted;
      if (n < wanted) {
        notes.add(String.format(Locale.ROOT, "The %,d-connection row ran %,d connections: the "
            + "open-files limit here is %,d (hard limit; scripts/bench raises the soft limit to "
            + "it, and it could not go higher), and the server holds one descriptor per connection "
            + "(the client runs in its own JVM, with its own %,d).", wanted, n, limit, limit));
      }
      List<String> contenders = new ArrayList<>(idle);
      if (n > BenchMain.PLATFORM_THREAD_CAP) {
        contenders.remove("platform-threads");
      }
      BenchMain.rounds("io-idle", contenders, n, runs, agent, "dev.tinyrt.bench.IoServers", 1,
          "idle");
    }
    List<String> echo = List.of("tinyrt-multi-thread", "tinyrt-per-worker",
        "tinyrt-current-thread", "virtual-threads", "platform-threads");
    for (long n : ECHO) {
      // Warm-up seconds (passed as WARMUPS) then measured seconds.
      BenchMain.rounds("io-echo", echo, n, runs, agent, "dev.tinyrt.bench.IoServers",
          quick ? 1 : 2, "echo", quick ? "2" : "5");
    }
  }

  /** @return the group's section of {@code docs/benchmarks.md} */
  static String markdown() {
    String idle = BenchMain.table("io-idle");
    String echo = BenchMain.table("io-echo");
    if (idle.isEmpty() && echo.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder("## Connections (I/O)\n\n");
    md.append("Loopback only. The server (one contender) runs in one JVM, the load client in ")
        .append("another, the same for every contender (plain java.nio, one thread).\n\n")
        .append("### Idle connections: heap and RSS per connection\n\n").append(idle).append('\n');
    notes.forEach(n -> md.append(n).append("\n\n"));
    md.append("### Echo: 32-byte messages, one in flight per connection\n\n").append(echo)
        .append('\n');
    return md.toString();
  }
}
