// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.integration;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.AwaitPoint;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.TaskDump;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.sync.Oneshot;
import dev.tinyrt.internal.AwaitedAt;
import dev.tinyrt.internal.NeverPolled;
import java.io.IOException;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The run-time diagnostics on real frames, rewritten by the agent: where a task is parked, and a
 * future that was never polled.
 */
@Timeout(60)
class DiagnosticsTest {

  /** @return the line of this file that holds {@code marker} in a comment */
  static int lineOf(String marker) throws IOException {
    List<String> lines = Files.readAllLines(
        Path.of("src/test/java/dev/tinyrt/integration/DiagnosticsTest.java"));
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).endsWith("// " + marker)) {
        return i + 1;
      }
    }
    throw new AssertionError(marker);
  }

  static Future<Long> checkout(Oneshot.Receiver<Long> reply, long shipping) {
    long price = await(price(reply)); // checkout-await
    return Future.ready(price + shipping);
  }

  static Future<Long> price(Oneshot.Receiver<Long> reply) {
    String currency = "EUR";
    long cents = await(reply); // price-await
    return Future.ready(currency.length() + cents);
  }

  @Test
  void theDumpShowsEachAsyncMethodsAwaitLineInnermostFirst() throws IOException {
    Oneshot.Channel<Long> reply = Oneshot.channel();
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("diag").build()) {
      JoinHandle<Long> task = rt.spawn(checkout(reply.receiver(), 5));
      rt.blockOn(Tasks.yieldNow()); // the task runs once and parks on the reply

      List<TaskDump.Entry> dump = TaskDump.of(rt);
      assertEquals(1, dump.size(), dump.toString());
      TaskDump.Entry e = dump.get(0);
      assertEquals("parked", e.status());
      assertEquals(List.of(
              new AwaitPoint("DiagnosticsTest.price", 1,
                  "DiagnosticsTest.java:" + lineOf("price-await"), "reply"),
              new AwaitPoint("DiagnosticsTest.checkout", 1,
                  "DiagnosticsTest.java:" + lineOf("checkout-await"), "price(...)")),
          e.parkedAt());
      assertEquals(String.valueOf(reply.receiver()), e.awaiting());
      String text = TaskDump.text(rt);
      assertTrue(text.contains("    at DiagnosticsTest.price (DiagnosticsTest.java:"
          + lineOf("price-await") + "), await(reply)\n    at DiagnosticsTest.checkout "
          + "(DiagnosticsTest.java:" + lineOf("checkout-await") + "), await(price(...))\n"
          + "    awaiting Oneshot.Receiver["), text);

      reply.sender().send(100L);
      assertEquals(108L, rt.blockOn(task));
      assertEquals(List.of(), TaskDump.of(rt));
    }
  }

  static Future<Long> forgotten(long v) {
    await(Tasks.yieldNow());
    return Future.ready(v);
  }

  @Test
  void withNeverPolledAFutureDroppedUnpolledIsReportedWithItsCallersLine() throws Exception {
    // The flag is a static final read once per JVM: run the program in one with it on.
    String out = ChildJvm.run(DiagnosticsTest.class, "-D" + NeverPolled.PROPERTY + "=true");
    assertTrue(out.contains("reports: 1\n"), out);
    assertTrue(out.contains("report: tinyrt: the future of DiagnosticsTest.forgotten, called at "
        + "dev.tinyrt.integration.DiagnosticsTest.main (DiagnosticsTest.java:"
        + lineOf("forgotten-call") + ") was garbage-collected without ever being polled"), out);
  }

  /**
   * The child of {@link #withNeverPolledAFutureDroppedUnpolledIsReportedWithItsCallersLine}: calls
   * an async method three times from one line and drops the futures, then collects (a bounded
   * loop) until the report comes, running a polled async method between collections (never
   * reported). Prints how many reports were made.
   *
   * @param args unused
   */
  /**
   * The child's {@code dev.tinyrt} logger, held: the log manager keeps loggers weakly, and a
   * collection would take the handler with it.
   */
  private static final Logger TINYRT_LOGGER = Logger.getLogger("dev.tinyrt");

  /** How many collections the child asks for before it gives up. */
  private static final int COLLECTIONS = 100;

  /**
   * Makes some garbage, asks for a collection and waits (a bounded time) until a weak reference
   * made just before is enqueued: the collector ran and its references were processed, without
   * relying on one System.gc() doing it.
   */
  static void collectOnce() throws InterruptedException {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    WeakReference<Object> canary = new WeakReference<>(new Object(), queue);
    byte[][] pressure = new byte[64][];
    for (int j = 0; j < pressure.length; j++) {
      pressure[j] = new byte[16 * 1024];
    }
    Reference.reachabilityFence(pressure);
    System.gc();
    queue.remove(/* timeoutMillis = */ 100);
    Reference.reachabilityFence(canary);
  }

  public static void main(String[] args) throws InterruptedException {
    List<String> reports = new CopyOnWriteArrayList<>();
    TINYRT_LOGGER.addHandler(new Handler() {
      @Override
      public void publish(LogRecord record) {
        reports.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    for (int i = 0; i < 3; i++) {
      forgotten(i); // forgotten-call
    }
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
      for (int i = 0; i < COLLECTIONS && reports.isEmpty(); i++) {
        collectOnce();
        rt.blockOn(forgotten(i)); // a new frame: reports what the collector found, on this thread
      }
    }
    System.out.println("reports: " + reports.size());
    // The reports as the handler got them: the console's copy of a report logged on another
    // thread may come after this JVM ended.
    reports.forEach(report -> System.out.println("report: " + report));
  }

  static Future<Long> failingPrice(Oneshot.Receiver<Long> reply) {
    long cents = await(reply);
    if (cents < 0) {
      throw new IllegalArgumentException("negative price " + cents); // price-throw
    }
    return Future.ready(cents);
  }

  static Future<Long> failingCheckout(Oneshot.Receiver<Long> reply) {
    long price = await(failingPrice(reply)); // failing-checkout-await
    return Future.ready(price);
  }

  static Future<Long> checkoutOfSpawned(Oneshot.Receiver<Long> reply) {
    long price = await(Tasks.spawn(failingPrice(reply))); // spawned-await
    return Future.ready(price);
  }

  /** The lines of {@code t}'s stack trace, as {@code Class.method(File.java:line)}. */
  static List<String> trace(Throwable t) {
    return java.util.Arrays.stream(t.getStackTrace())
        .map(e -> e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1) + "."
            + e.getMethodName() + "(" + e.getFileName() + ":" + e.getLineNumber() + ")")
        .toList();
  }

  @Test
  void aFailureAfterAResumeShowsTheChainOfAwaitingMethodsAndAcrossTasksWhereTheHandleWasAwaited()
      throws IOException {
    // Within a task: the resumed outer frame polls the inner one inline, so the Java stack holds
    // both bodies, each at its line: the await chain costs nothing and is already there.
    Oneshot.Channel<Long> reply = Oneshot.channel();
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
      JoinHandle<Long> task = rt.spawn(failingCheckout(reply.receiver()));
      rt.blockOn(Tasks.yieldNow());
      reply.sender().send(-1L);
      IllegalArgumentException e =
          org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
              () -> rt.blockOn(task));
      List<String> trace = trace(e);
      int inner = trace.indexOf(
          "DiagnosticsTest.failingPrice(DiagnosticsTest.java:" + lineOf("price-throw") + ")");
      int outer = trace.indexOf("DiagnosticsTest.failingCheckout(DiagnosticsTest.java:"
          + lineOf("failing-checkout-await") + ")");
      assertTrue(inner >= 0 && outer > inner, String.join("\n", trace));
    }

    // Across tasks: the awaiting task only polls the handle; the trace is the failed task's own,
    // and the line that awaited its handle comes as a suppressed AwaitedAt, made at delivery.
    Oneshot.Channel<Long> reply2 = Oneshot.channel();
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
      JoinHandle<Long> task = rt.spawn(checkoutOfSpawned(reply2.receiver()));
      rt.blockOn(Tasks.yieldNow());
      reply2.sender().send(-1L);
      IllegalArgumentException e =
          org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
              () -> rt.blockOn(task));
      List<String> trace = trace(e);
      assertTrue(trace.contains(
          "DiagnosticsTest.failingPrice(DiagnosticsTest.java:" + lineOf("price-throw") + ")"),
          String.join("\n", trace));
      assertTrue(trace.stream().noneMatch(l -> l.startsWith("DiagnosticsTest.checkoutOfSpawned(")),
          String.join("\n", trace));
      int awaitLine = lineOf("spawned-await");
      String awaitedAt =
          "DiagnosticsTest.checkoutOfSpawned(DiagnosticsTest.java:" + awaitLine + ")";
      List<Throwable> notes = java.util.Arrays.stream(e.getSuppressed())
          .filter(s -> s instanceof AwaitedAt).toList();
      assertTrue(notes.stream().anyMatch(n -> trace(n).get(0).equals(awaitedAt)
              && n.getMessage().equals("the outcome of " + innerTaskOf(n) + " was awaited at "
                  + "DiagnosticsTest.checkoutOfSpawned (DiagnosticsTest.java:" + awaitLine + ")")),
          notes.toString());
    }
  }

  /** The task a note names, {@code Task@1b6d3586}. */
  private static String innerTaskOf(Throwable note) {
    String m = note.getMessage();
    return m.substring("the outcome of ".length(), m.indexOf(" was awaited at "));
  }
}
