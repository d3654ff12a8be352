// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Waker;
import dev.tinyrt.sync.Oneshot;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo's second half: the async cart, rewritten by the agent these tests run with. */
@Timeout(120)
class CartDemoTest {

  @Test
  void theAsyncCartIsLazyAndParksTwice() {
    Oneshot.Channel<Long> socks = Oneshot.channel();
    Oneshot.Channel<Long> shoes = Oneshot.channel();
    int[] wakes = {0};
    Context cx = Context.from(() -> wakes[0]++);
    Future<Long> cart = CartAsync.cartTotal(socks.receiver(), shoes.receiver());
    assertTrue(cart.poll(cx).isPending());
    socks.sender().send(12L);
    assertEquals(1, wakes[0]);
    assertTrue(cart.poll(cx).isPending());
    shoes.sender().send(89L);
    assertEquals(2, wakes[0]);
    assertEquals(101L, cart.poll(cx).get());
  }

  @Test
  void theAsyncCartAgreesWithTheHandWrittenOne() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      assertEquals(101L, CartDemo.runAsync(out));
    }
    assertEquals(List.of("cart total = $101"), bytes.toString(StandardCharsets.UTF_8).lines().toList());
    assertEquals(
        101L,
        CartAsync.cartTotal(Future.ready(12L), Future.ready(89L))
            .poll(Context.from(Waker.noop()))
            .get());
  }

  @Test
  void theDemoWithTheTraceOptionPrintsBothHalvesAndEachTransition(@TempDir Path dir)
      throws Exception {
    String agent = System.getProperty("tinyrt.agent.jar");
    String runtime = System.getProperty("tinyrt.runtime.jar");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    // The demo's output goes to a file, read once it ended: a demo that hangs then times out here
    // (reading a pipe to its end first would wait forever), is killed and shows what it printed.
    Path printed = dir.resolve("demo.out");
    Process process = new ProcessBuilder(
            java.toString(),
            "-javaagent:" + agent + "=trace",
            "-cp",
            runtime + File.pathSeparator + Path.of("target/classes").toAbsolutePath(),
            CartDemo.class.getName())
        .redirectErrorStream(true)
        .redirectOutput(printed.toFile())
        .start();
    boolean ended = process.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(printed, StandardCharsets.UTF_8);
    assertTrue(ended, "the demo did not end within 60 s and was killed; it printed:\n" + output);
    assertEquals(0, process.exitValue(), output);
    int socksLine = lineOf("long socksPrice = await(socks);");
    int shoesLine = lineOf("long shoesPrice = await(shoes);");
    assertEquals(
        List.of(
            "[cart] Start: socks price not back yet, waiting",
            "[cart] Start -> GotSocks: socks are $12",
            "[cart] GotSocks: shoes price not back yet, $12 waits as a field",
            "[cart] GotSocks -> Done: shoes are $89, cart total = $101",
            "cart total = $101",
            "",
            "== the same cart as an async method, rewritten by the agent ==",
            "[tinyrt] CartAsync.cartTotal: Start, first poll (CartAsync.java:" + socksLine + ")",
            "[tinyrt] CartAsync.cartTotal: pending at await 1 (CartAsync.java:" + socksLine
                + ", await(socks)), parked storing shoes: Receiver, socks: Receiver",
            "[tinyrt] CartAsync.cartTotal: woken, resumes at await 1 (CartAsync.java:" + socksLine + ")",
            "[tinyrt] CartAsync.cartTotal: pending at await 2 (CartAsync.java:" + shoesLine
                + ", await(shoes)), parked storing socksPrice: long, shoes: Receiver",
            "[tinyrt] CartAsync.cartTotal: woken, resumes at await 2 (CartAsync.java:" + shoesLine + ")",
            "[tinyrt] CartAsync.cartTotal: Done",
            "cart total = $101",
            "the totals agree: $101"),
        output.lines().toList());
  }

  private static int lineOf(String code) throws IOException {
    List<String> lines = Files.readAllLines(
        Path.of("src/main/java/dev/tinyrt/demo/CartAsync.java"));
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(code)) {
        return i + 1;
      }
    }
    throw new AssertionError(code + " not in CartAsync.java");
  }
}
