// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.File;
import java.lang.management.ManagementFactory;

/**
 * Counts this process's open file descriptors: the entries of {@code /proc/self/fd} on Linux, the
 * JVM's {@link UnixOperatingSystemMXBean} elsewhere.
 */
final class Descriptors {

  /** Where Linux lists them. */
  private static final File FD_DIR = new File("/proc/self/fd");

  private Descriptors() {}

  /** @return the number of open descriptors */
  static long open() {
    String[] names = FD_DIR.list();
    if (names != null) {
      return names.length;
    }
    return ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getOpenFileDescriptorCount();
  }
}
