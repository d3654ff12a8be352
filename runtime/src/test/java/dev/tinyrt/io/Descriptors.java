// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;

/**
 * Counts this process's open I/O descriptors: on Linux the entries of {@code /proc/self/fd} that are
 * sockets, pipes or anonymous inodes (a selector's epoll and wake-up descriptors), so a jar or class
 * file the JVM happens to open lazily during a test does not count as a leak; elsewhere every open
 * descriptor, from the JVM's {@link UnixOperatingSystemMXBean}.
 */
final class Descriptors {

  /** Where Linux lists them. */
  private static final File FD_DIR = new File("/proc/self/fd");

  private Descriptors() {}

  /** @return the number of open socket, pipe and anonymous-inode descriptors (all, off Linux) */
  static long open() {
    File[] fds = FD_DIR.listFiles();
    if (fds != null) {
      long count = 0;
      for (File fd : fds) {
        count += isIo(fd) ? 1 : 0;
      }
      return count;
    }
    return ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getOpenFileDescriptorCount();
  }

  /** @return whether a {@code /proc/self/fd} entry is a socket, a pipe or an anonymous inode */
  private static boolean isIo(File fd) {
    String target;
    try {
      target = Files.readSymbolicLink(fd.toPath()).toString();
    } catch (IOException closedMeanwhile) {
      return false; // e.g. the descriptor listing this very folder, closed by now
    }
    return target.startsWith("socket:") || target.startsWith("pipe:")
        || target.startsWith("anon_inode:");
  }
}
