// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import java.util.concurrent.CountDownLatch;

/** A child JVM for {@link HarnessTest}: prints a line, then ends with a code, or never ends. */
public final class ChildMain {

  private ChildMain() {}

  /** @param args {@code hang}, or the exit code */
  public static void main(String[] args) throws InterruptedException {
    System.out.println("started");
    System.out.flush();
    if (args[0].equals("hang")) {
      new CountDownLatch(1).await(); // nothing counts it down
    }
    System.exit(Integer.parseInt(args[0]));
  }
}
