// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load-time warning for blocking calls in async methods, and its allow-list. */
class BlockingCallWarningsTest {

  /** Each known blocking call once, in an async method; a marker comment names it. */
  private static final String SHOP = """
      package shop;

      import static dev.tinyrt.Async.await;

      import dev.tinyrt.Async;
      import dev.tinyrt.Future;
      import java.io.InputStream;
      import java.net.ServerSocket;
      import java.util.concurrent.CompletableFuture;
      import java.util.concurrent.locks.LockSupport;

      public class Shop {
        static Future<Long> blocking(Future<Long> price, Object monitor, CompletableFuture<Long> cf,
            java.util.concurrent.Future<Long> jf, InputStream in, ServerSocket server,
            Process process, Thread thread) throws Exception {
          Thread.sleep(10); // Thread.sleep
          synchronized (monitor) { monitor.wait(); } // Object.wait
          long a = jf.get(); // Future.get
          long b = cf.join(); // CompletableFuture.join
          long c = cf.get(); // CompletableFuture.get
          LockSupport.parkNanos(10); // LockSupport.parkNanos
          int d = in.read(); // InputStream.read
          server.accept(); // ServerSocket.accept
          int e = process.waitFor(); // Process.waitFor
          long f = Async.blockOn(price); // Async.blockOn
          thread.join(); // Thread.join
          long g = await(price);
          return Future.ready(a + b + c + d + e + f + g);
        }

        static Future<Long> allowedCaller(Future<Long> price) throws Exception {
          Thread.sleep(10);
          return Future.ready(await(price));
        }

        static Future<Long> allowedCall(Future<Long> price, Process process) throws Exception {
          process.waitFor();
          return Future.ready(await(price));
        }

        static long notAsync() throws Exception {
          Thread.sleep(10); // a plain method may block: no warning
          return 1;
        }
      }
      """;

  @TempDir static Path temp;

  /** The fixture's class file, compiled once for all tests. */
  private static byte[] shopClass;

  @Test
  void eachBlockingCallIsNamedWithItsLineAndTheAlternative() throws IOException {
    List<String> warnings = LoadTimeWarnings.of(shop(), AllowList.of(List.of(
        "Shop.allowedCaller", "java.lang.Process.waitFor # we accept this one")));

    List<String> expected = new ArrayList<>();
    for (String call : List.of("Thread.sleep", "Object.wait", "Future.get",
        "CompletableFuture.join", "CompletableFuture.get", "LockSupport.parkNanos",
        "InputStream.read", "ServerSocket.accept", "Async.blockOn", "Thread.join")) {
      expected.add("Shop.blocking (Shop.java:" + lineOf("// " + call) + ") calls " + call + ",");
    }
    List<String> heads = new ArrayList<>();
    for (String w : warnings) {
      heads.add(w.substring("tinyrt: ".length(), w.indexOf(',') + 1));
    }
    // Process.waitFor is allowed by its name, allowedCaller by the caller's, notAsync is no async method.
    assertEquals(expected, heads);
  }

  @Test
  void theWarningSaysWhatToDoAndHowToAllowIt() throws IOException {
    String sleep = LoadTimeWarnings.of(shop(), AllowList.NONE).get(0);
    assertEquals(
        "tinyrt: Shop.blocking (Shop.java:16) calls Thread.sleep, which blocks the executor "
            + "thread it runs on: every task queued there waits too. Instead, "
            + "await(Tasks.sleep(Duration.ofMillis(...))) waits without holding the thread. If it "
            + "is intended, allow it: add shop.Shop.blocking (the caller) or java.lang.Thread.sleep "
            + "(the call) to the file of the agent option allowBlocking=FILE, or to "
            + "-Dtinyrt.allowBlocking=...",
        sleep);
  }

  @Test
  void theAllowListComesFromAFileAndTheSystemProperty() throws IOException {
    Path file = Files.writeString(temp.resolve("allowed.txt"),
        "# accepted blocking calls\nshop.Shop.allowedCaller\n\njava.lang.Process.waitFor\n");
    String previous = System.setProperty(AllowList.PROPERTY, "Shop.blocking");
    try {
      assertEquals(List.of(), LoadTimeWarnings.of(shop(), AllowList.load(file)));
    } finally {
      if (previous == null) {
        System.clearProperty(AllowList.PROPERTY);
      } else {
        System.setProperty(AllowList.PROPERTY, previous);
      }
    }
    assertEquals(2, LoadTimeWarnings.of(shop(), AllowList.of(List.of("shop.Shop.blocking"))).size(),
        "allowedCaller's sleep and allowedCall's waitFor are still reported");
  }

  private static synchronized byte[] shop() throws IOException {
    if (shopClass == null) {
      Path classes = Javac.compile(temp.resolve("classes"), "-g", Map.of("shop/Shop.java", SHOP));
      shopClass = Files.readAllBytes(classes.resolve("shop/Shop.class"));
    }
    return shopClass;
  }

  private static int lineOf(String marker) {
    String[] lines = SHOP.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].endsWith(marker)) {
        return i + 1;
      }
    }
    throw new IllegalStateException(marker);
  }
}
