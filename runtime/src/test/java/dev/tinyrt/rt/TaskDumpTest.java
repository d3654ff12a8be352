// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link TaskDump}: every live task, what it runs and awaits; counts with -Dtinyrt.taskStats. */
class TaskDumpTest {

  /** Stands for an agent-generated frame: its await's future is in a field named awaited. */
  static final class FakeFrame implements Future<Long> {
    /** The future the frame is parked on, as in a generated frame. */
    Future<Long> awaited;

    FakeFrame(Future<Long> awaited) {
      this.awaited = awaited;
    }

    @Override
    public Poll<Long> poll(Context cx) {
      return awaited.poll(cx);
    }

    @Override
    public String toString() {
      return "Shop.cartTotal frame, state 1";
    }
  }

  /** A future that is never ready and keeps the last waker it was given. */
  static final class Parked implements Future<Void> {
    /** The last waker. */
    volatile Waker waker;

    @Override
    public Poll<Void> poll(Context cx) {
      waker = cx.waker();
      return Poll.pending();
    }

    @Override
    public String toString() {
      return "a reply that never comes";
    }
  }

  @Test
  void aParkedFrameShowsWhatItAwaits() {
    TestFutures.Gate<Long> gate = new TestFutures.Gate<>();
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("dump-test").build()) {
      JoinHandle<Long> task = rt.spawn(new FakeFrame(gate));
      rt.blockOn(TestFutures.readyAfter(1, null)); // the task runs once and parks on the gate
      assertEquals(1, gate.polls.get());

      List<TaskDump.Entry> dump = TaskDump.of(rt);
      assertEquals(List.of(new TaskDump.Entry(task.toString(), "parked",
          "Shop.cartTotal frame, state 1", String.valueOf(gate), -1, -1, -1)), dump);
      assertEquals("tinyrt task dump of dump-test: 1 live task\n  " + task + " parked: "
          + "Shop.cartTotal frame, state 1, awaiting " + gate + "; (run with "
          + "-Dtinyrt.taskStats=true for poll and wake counts and parked times)\n",
          TaskDump.text(rt));

      gate.complete(12L);
      assertEquals(12L, rt.blockOn(task));
      assertEquals(List.of(), TaskDump.of(rt), "a finished task is not live");
    }
  }

  @Test
  void withTaskStatsItCountsPollsAndWakesAndTimesTheParking() throws Exception {
    // The counts are a static final flag read once per JVM: run the program in one with it on.
    Process child = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-D" + TaskStats.PROPERTY + "=true",
            "-cp", System.getProperty("java.class.path"),
            TaskDumpTest.class.getName())
        .redirectErrorStream(true)
        .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
    assertEquals(0, child.exitValue(), out);
    assertTrue(out.startsWith("tinyrt task dump of stats-test: 1 live task\n  Task@"), out);
    // Woken twice: by its spawn, then by the test.
    assertTrue(out.matches("(?s).* parked for \\d+ ms: a reply that never comes; polled 2, "
        + "woken 2\n"), out);
  }

  /**
   * The child of {@link #withTaskStatsItCountsPollsAndWakesAndTimesTheParking}: a task polled,
   * woken and polled again, still parked, then dumped.
   *
   * @param args unused
   */
  public static void main(String[] args) throws IOException {
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("stats-test").build()) {
      Parked parked = new Parked();
      rt.spawn(parked);
      rt.blockOn(TestFutures.readyAfter(1, null));
      parked.waker.wake();
      rt.blockOn(TestFutures.readyAfter(1, null));
      System.out.print(TaskDump.text(rt));
      rt.shutdown(Duration.ZERO);
    }
  }
}
