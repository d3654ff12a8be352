// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link LostWakers}: a parked task whose waker nothing holds is reported with where it waits. */
class LostWakersTest {

  /** How many collections a test asks for before it gives up on a reference being cleared. */
  private static final int COLLECTIONS = 50;

  /** The lost-waker shape: pending, and the waker kept nowhere. */
  static final class ForgetsWaker implements Future<Long> {
    @Override
    public Poll<Long> poll(Context cx) {
      return Poll.pending();
    }

    @Override
    public String toString() {
      return "a future that forgets its waker";
    }
  }

  /**
   * The other shape: the waker is kept in a collection that its owner then replaces without waking
   * what it held (a reset that forgets its listeners).
   */
  static final class Registry {
    /** The wakers registered since the last reset. */
    List<Waker> wakers = new ArrayList<>();

    /** Drops every registered waker without waking it: the bug. */
    void reset() {
      wakers = new ArrayList<>();
    }
  }

  /** Registers its waker in a {@link Registry}. */
  record Registers(Registry registry) implements Future<Long> {
    @Override
    public Poll<Long> poll(Context cx) {
      registry.wakers.add(cx.waker());
      return Poll.pending();
    }
  }

  /** Keeps its waker until {@link #fire}, which takes it out and wakes it. */
  static final class FiresOnce implements Future<Long> {
    /** The waker, until fired. */
    private Waker waker;

    @Override
    public Poll<Long> poll(Context cx) {
      waker = cx.waker();
      return Poll.pending();
    }

    void fire() {
      Waker w = waker;
      waker = null;
      w.wake();
    }
  }

  /**
   * The {@code dev.tinyrt} logger of the child JVM, held: the log manager keeps loggers weakly, and a
   * collection would take its handler with it.
   */
  private static final Logger TINYRT_LOGGER = Logger.getLogger("dev.tinyrt");

  /** The reports made. */
  private final List<String> reports = new ArrayList<>();

  /** The detector under test, with its own queue. */
  private final LostWakers detector = new LostWakers(reports::add);

  /** A current-thread runtime that is never driven: its tasks are made by hand. */
  private final AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("lost").build();

  @AfterEach
  void close() {
    rt.shutdown(Duration.ZERO);
  }

  /** Polls a new, never scheduled (so idle) task's future with its probe, as Task.run does. */
  private Task<Long> parkedTask(Future<Long> future) {
    Task<Long> task = new Task<>(future, rt);
    // Live, as a spawn makes it: the shutdown in close() gives up a task woken onto the stopped
    // runtime's queue, which takes it out of the live list.
    rt.liveList().add(task);
    assertTrue(future.poll(detector.probe(task)).isPending());
    return task;
  }

  /** Collects until the detector took {@code references} references, a bounded number of times. */
  private void collectUntilTaken(int references) throws InterruptedException {
    int taken = 0;
    for (int i = 0; i < COLLECTIONS && taken < references; i++) {
      byte[][] pressure = new byte[64][];
      for (int j = 0; j < pressure.length; j++) {
        pressure[j] = new byte[16 * 1024]; // young garbage, so a collection has work to do
      }
      Reference.reachabilityFence(pressure);
      System.gc();
      taken += detector.drain(/* timeoutMillis = */ 100);
    }
    assertEquals(references, taken, "the collector did not clear the probes: " + reports);
  }

  @Test
  void aTaskParkedWithItsWakerKeptNowhereIsReportedWithWhereItIsParked() throws Exception {
    Task<Long> lost = parkedTask(
        new FakeFrames.Checkout(new FakeFrames.Price(new ForgetsWaker())));
    TestFutures.Gate<Long> gate = new TestFutures.Gate<>();
    Task<Long> kept = parkedTask(gate); // its gate keeps the probe: wakeable

    collectUntilTaken(1);

    assertEquals(List.of("tinyrt: " + lost + " can never be woken: it is parked and nothing "
        + "holds its waker any more\n"
        + "    at Shop.price (Shop.java:31), await(reply)\n"
        + "    at Shop.checkout (Shop.java:22), await(price(...))\n"
        + "    awaiting a future that forgets its waker\n"
        + "A future that returns pending must keep cx.waker() where the event it waits for will "
        + "wake it (not only in a local variable, nor in a collection that is dropped); await a "
        + "tinyrt primitive (Oneshot, Notify, Mpsc, Timer) instead of a hand-written future, or "
        + "abort the task (JoinHandle.abort()). Reported once per await point "
        + "(-Dtinyrt.lostWakers)."), reports);
    assertTrue(detector.isLost(lost));
    assertFalse(detector.isLost(kept));
    Reference.reachabilityFence(gate);
  }

  @Test
  void aWakerKeptInACollectionThatIsDroppedIsLostTooAndAKeptOneIsNot() throws Exception {
    Registry registry = new Registry();
    Task<Long> task = parkedTask(new Registers(registry));
    Waker probe = registry.wakers.get(0);
    assertSame(probe, detector.probe(task), "a probe someone holds is handed out again");

    // Held by the registry: after a collection the probe is still there, nothing is reported.
    System.gc();
    assertEquals(0, detector.drain(200), "a probe the registry holds is not collected");
    assertTrue(reports.isEmpty(), reports::toString);

    probe = null;
    registry.reset(); // the list goes, and the waker with it
    collectUntilTaken(1);
    assertEquals(1, reports.size(), reports::toString);
    assertTrue(reports.get(0).startsWith("tinyrt: " + task + " can never be woken: it is parked "
        + "and nothing holds its waker any more, in Registers[registry="), reports.get(0));
    assertTrue(detector.isLost(task));
  }

  @Test
  void aProbeLetGoAfterItWokeTheTaskIsNoLostWaker() throws Exception {
    FiresOnce future = new FiresOnce();
    Task<Long> task = parkedTask(future);
    future.fire(); // wakes the task (SCHEDULED: queued on the runtime, which is not driven)
    // and lets the waker go: nothing holds it now.

    collectUntilTaken(1);
    assertTrue(reports.isEmpty(), reports::toString);
    assertFalse(detector.isLost(task));
  }

  @Test
  void withThePropertyAHungProgramIsToldWhichTaskLostItsWaker() throws Exception {
    String out = ChildJvm.run(LostWakersTest.class, "-D" + LostWakers.PROPERTY + "=true");
    assertTrue(out.contains("reports: 1\n"), out);
    assertTrue(out.matches("(?s).*report: tinyrt: Task@\\p{XDigit}+ can never be woken: it is "
        + "parked and nothing holds its waker any more\n"
        + "    at Shop.price \\(Shop.java:31\\), await\\(reply\\)\n"
        + "    at Shop.checkout \\(Shop.java:22\\), await\\(price\\(...\\)\\)\n"
        + "    awaiting a future that forgets its waker\n.*"), out);
    assertTrue(out.matches("(?s).*\n    its waker is lost: nothing can wake it "
        + "\\(-Dtinyrt.lostWakers\\)\n.*"), out);
    assertTrue(out.contains("gated task: 7\n"), "a probe wakes its task: " + out);
  }

  /**
   * The child of {@link #withThePropertyAHungProgramIsToldWhichTaskLostItsWaker}: a task that
   * loses its waker and one that is woken through its probe; then the program goes quiet, and the
   * detector's own thread asks for the collection that finds the lost one (no System.gc() here).
   *
   * @param args unused
   */
  public static void main(String[] args) throws Exception {
    List<String> reports = new CopyOnWriteArrayList<>();
    CountDownLatch reported = new CountDownLatch(1);
    TINYRT_LOGGER.addHandler(new Handler() {
      @Override
      public void publish(LogRecord record) {
        reports.add(record.getMessage());
        reported.countDown();
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("hung").build()) {
      rt.spawn(new FakeFrames.Checkout(new FakeFrames.Price(new ForgetsWaker())));
      TestFutures.Gate<Long> gate = new TestFutures.Gate<>();
      JoinHandle<Long> gated = rt.spawn(gate);
      rt.blockOn(TestFutures.readyAfter(1, null));
      gate.complete(7L);
      System.out.println("gated task: " + rt.blockOn(gated));
      // Quiet from here: within LostWakers.QUIET_MILLIS the detector collects, and reports.
      if (!reported.await(30, TimeUnit.SECONDS)) {
        System.out.println("no report within 30 s");
      }
      System.out.println("reports: " + reports.size());
      for (String r : reports) {
        System.out.println("report: " + r);
      }
      System.out.print(TaskDump.text(rt));
      rt.shutdown(Duration.ZERO);
    }
  }
}
