// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.sync.Mutex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link TaskDump}: every live task, what it runs and awaits; counts with -Dtinyrt.taskStats. */
class TaskDumpTest {

  /** A future that is never ready and keeps the last waker it was given. */
  static final class Parked implements Future<Void> {
    /** The last waker. */
    volatile Waker waker;

    /** @return this, seen as a future of a long (it is never ready) */
    @SuppressWarnings("unchecked")
    Future<Long> asLong() {
      return (Future<Long>) (Future<?>) this;
    }

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
  void aParkedTaskShowsEachFramesAwaitPointInnermostFirstAndWhatItAwaits() {
    TestFutures.Gate<Long> reply = new TestFutures.Gate<>();
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("dump-test").build()) {
      JoinHandle<Long> task = rt.spawn(new FakeFrames.Checkout(new FakeFrames.Price(reply)));
      Parked plain = new Parked();
      JoinHandle<Void> other = rt.spawn(plain);
      rt.blockOn(TestFutures.readyAfter(1, null)); // both run once and park
      assertEquals(1, reply.polls.get());

      List<AwaitPoint> where = List.of(
          new AwaitPoint("Shop.price", 1, "Shop.java:31", "reply"),
          new AwaitPoint("Shop.checkout", 1, "Shop.java:22", "price(...)"));
      assertEquals(Set.of(
              new TaskDump.Entry(task.toString(), "parked", "Shop.checkout frame, state 1",
                  where, String.valueOf(reply), -1, -1, -1),
              new TaskDump.Entry(other.toString(), "parked", "a reply that never comes",
                  List.of(), null, -1, -1, -1)),
          Set.copyOf(TaskDump.of(rt)));
      String text = TaskDump.text(rt);
      assertTrue(text.startsWith("tinyrt task dump of dump-test: 2 live tasks\n"), text);
      assertTrue(text.contains("  " + task + " parked: Shop.checkout frame, state 1\n"
          + "    at Shop.price (Shop.java:31), await(reply)\n"
          + "    at Shop.checkout (Shop.java:22), await(price(...))\n"
          + "    awaiting " + reply + "\n"), text);
      assertTrue(text.contains("  " + other + " parked: a reply that never comes\n"), text);
      assertTrue(text.endsWith("  (run with -Dtinyrt.taskStats=true for poll and wake counts "
          + "and parked times)\n"), text);

      reply.complete(12L);
      other.abort();
      assertEquals(12L, rt.blockOn(task));
      rt.blockOn(TestFutures.readyAfter(1, null));
      assertEquals(List.of(), TaskDump.of(rt), "a finished task is not live");
      assertEquals("tinyrt task dump of dump-test: 0 live tasks\n", TaskDump.text(rt));
    }
  }

  /** Takes a lock, keeps its guard, then waits for a reply that never comes. */
  static final class LockThenWait implements Future<Long> {
    /** The lock. */
    private final Future<Mutex.Guard<Long>> lock;

    /** The guard, once locked. */
    Mutex.Guard<Long> guard;

    /** The reply it waits for with the lock held. */
    private final Parked reply = new Parked();

    LockThenWait(Mutex<Long> mutex) {
      this.lock = mutex.lock();
    }

    @Override
    public Poll<Long> poll(Context cx) {
      if (guard == null) {
        Poll<Mutex.Guard<Long>> p = lock.poll(cx);
        if (p.isPending()) {
          return Poll.pending();
        }
        guard = p.get();
      }
      return reply.asLong().poll(cx);
    }

    @Override
    public String toString() {
      return "a lock held while waiting";
    }
  }

  @Test
  void aTaskParkedOnAMutexShowsWhichTaskHoldsItAndWhereThatOneIsParked() {
    Mutex<Long> ledger = new Mutex<>(0L);
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("dump-test").build()) {
      LockThenWait holding = new LockThenWait(ledger);
      JoinHandle<Long> holder = rt.spawn(new FakeFrames.Price(holding));
      rt.blockOn(TestFutures.readyAfter(1, null)); // the holder takes the lock and parks
      @SuppressWarnings("unchecked") // never ready while the holder keeps the lock
      Future<Long> lock = (Future<Long>) (Future<?>) ledger.lock();
      JoinHandle<Long> waiter = rt.spawn(new FakeFrames.Checkout(new FakeFrames.Price(lock)));
      rt.blockOn(TestFutures.readyAfter(1, null)); // the waiter parks on the lock

      String lockText = "Mutex.lock() of Mutex@" + Integer.toHexString(
          System.identityHashCode(ledger));
      TaskDump.Entry e = TaskDump.of(rt).stream()
          .filter(x -> x.task().equals(waiter.toString())).findFirst().orElseThrow();
      assertEquals(lockText + ", held by " + holder + ", parked at Shop.price (Shop.java:31), "
          + "await(reply)", e.awaiting());
      assertTrue(TaskDump.text(rt).contains("    awaiting " + e.awaiting() + "\n"));

      // Unlocked (handed to the waiter, which has not run yet): no task is named any more.
      holding.guard.close();
      TaskDump.Entry after = TaskDump.of(rt).stream()
          .filter(x -> x.task().equals(waiter.toString())).findFirst().orElseThrow();
      assertEquals(lockText + ", held by no task (free now, or taken with tryLock())",
          after.awaiting());
      holder.abort();
      waiter.abort();
      rt.blockOn(TestFutures.readyAfter(1, null));
    }
  }

  @Test
  void aFrameNotPolledYetIsAtItsFirstLine() {
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("dump-test").build()) {
      FakeFrames.Checkout checkout = new FakeFrames.Checkout(new Parked().asLong());
      rt.spawn(checkout); // scheduled, not run: nobody drives the runtime yet
      TaskDump.Entry e = TaskDump.of(rt).get(0);
      assertEquals("scheduled", e.status());
      assertEquals(List.of(new AwaitPoint("Shop.checkout", 0, "Shop.java:20", "")), e.parkedAt());
      assertEquals("Shop.checkout (Shop.java:20), not polled yet", e.parkedAt().get(0).toString());
      assertEquals(null, e.awaiting());
      rt.shutdown(Duration.ZERO);
    }
  }

  @Test
  void theLastStateAwaitsTheReturnedFuture() {
    FrameTable table = FrameTable.of(FakeFrames.Checkout.class);
    assertEquals("Shop.checkout (Shop.java:24), return ready(...)", table.point(2).toString());
    assertEquals(null, table.point(FrameTable.DONE), "a finished frame is parked nowhere");
    assertEquals(null, FrameTable.of(Parked.class), "a hand-written future has no table");
  }

  @Test
  void withTaskStatsItCountsPollsAndWakesAndTimesTheParking() throws Exception {
    // The counts are a static final flag read once per JVM: run the program in one with it on.
    String out = ChildJvm.run(TaskDumpTest.class, "-D" + TaskStats.PROPERTY + "=true");
    assertTrue(out.startsWith("tinyrt task dump of stats-test: 1 live task\n  Task@"), out);
    // Woken twice: by its spawn, then by the test.
    assertTrue(out.matches("(?s).* parked for \\d+ ms, polled 2, woken 2: a reply that never "
        + "comes\n"), out);
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
