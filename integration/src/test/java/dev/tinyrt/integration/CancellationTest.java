// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.integration;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.CancelledException;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.sync.Mutex;
import dev.tinyrt.sync.Oneshot;
import dev.tinyrt.sync.Semaphore;
import dev.tinyrt.time.Elapsed;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cancellation rules, one regression per broken promise: cancellation reaches the leaves
 * through every combinator, abandoned children give back what they were granted, a never-polled
 * future never runs, every await of a cancelled task throws, clean-up may await in a
 * non-cancellable section, and a wake never throws, not even after the runtime closed.
 */
@Timeout(60)
class CancellationTest {

  final ManualClock clock = new ManualClock();

  final List<String> log = Collections.synchronizedList(new ArrayList<>());

  AsyncRuntime runtime() {
    return AsyncRuntime.builder().currentThread().timer(Timer.manual(clock)).build();
  }

  /** Runs the runtime's queued tasks until none is left to run now. */
  static void settle(AsyncRuntime rt) {
    for (int i = 0; i < 4; i++) {
      rt.blockOn(Tasks.yieldNow());
    }
  }

  /** Waits for {@code never} with a finally that is logged: the leaf of every scenario. */
  static Future<String> leaf(String name, Future<String> never, List<String> log) {
    try {
      String v = await(never);
      log.add(name + " got " + v);
      return Future.ready(v);
    } finally {
      log.add(name + " finally");
    }
  }

  /** Awaits {@code inner}, logs after it and in its finally. */
  static <T> Future<T> outer(Future<T> inner, List<String> log) {
    try {
      T v = await(inner);
      log.add("outer went on");
      return Future.ready(v);
    } finally {
      log.add("outer finally");
    }
  }

  // 1. Cancellation reaches a task parked in each combinator.

  @Test
  void abortReachesATaskParkedInAnyCombinator() {
    List<Function<List<Future<String>>, Future<?>>> combinators = List.of(
        fs -> Futures.joinAll(fs),
        fs -> Futures.select(fs),
        fs -> Futures.race(fs.get(0), fs.get(1)),
        fs -> Tasks.timeout(fs.get(0), Duration.ofHours(1)));
    for (Function<List<Future<String>>, Future<?>> combinator : combinators) {
      log.clear();
      try (AsyncRuntime rt = runtime()) {
        Oneshot.Channel<String> a = Oneshot.channel();
        Oneshot.Channel<String> b = Oneshot.channel();
        JoinHandle<?> task = rt.spawn(outerOf(combinator, a.receiver(), b.receiver(), log));
        settle(rt);
        task.abort();
        settle(rt);
        assertTrue(task.isFinished(), "the aborted task ended");
        assertTrue(task.isCancelled());
        a.sender().send("late");
        b.sender().send("late");
        settle(rt);
        assertFalse(log.contains("outer went on"), log.toString());
        assertFalse(log.contains("a got late"), log.toString());
        assertEquals(1, Collections.frequency(log, "a finally"), log.toString());
        assertEquals(1, Collections.frequency(log, "outer finally"), log.toString());
        assertEquals(0, rt.liveTasks());
      }
    }
  }

  static Future<Object> outerOf(Function<List<Future<String>>, Future<?>> combinator,
      Future<String> a, Future<String> b, List<String> log) {
    Future<?> c = combinator.apply(List.of(leaf("a", a, log), leaf("b", b, log)));
    Object v = await(outer(c, log));
    return Future.ready(v);
  }

  @Test
  void abortReachesACombinatorOnAMultiThreadedRuntime() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(2).build()) {
      Oneshot.Channel<String> a = Oneshot.channel();
      Oneshot.Channel<String> b = Oneshot.channel();
      Oneshot.Channel<String> started = Oneshot.channel();
      JoinHandle<String> task = rt.spawn(
          signalsThenSelects(started.sender(), a.receiver(), b.receiver(), log));
      assertEquals("started", Async.blockOn(started.receiver()));
      task.abort();
      assertThrows(CancelledException.class, () -> Async.blockOn(task));
      assertEquals(0, rt.liveTasks());
      assertEquals(1, Collections.frequency(log, "a finally"), log.toString());
      assertTrue(Collections.frequency(log, "b finally") <= 1, log.toString());
    }
  }

  static Future<String> signalsThenSelects(
      Oneshot.Sender<String> started, Future<String> a, Future<String> b, List<String> log) {
    return Future.ready(await(Futures.race(signalsThenWaits(started, a, log), leaf("b", b, log))));
  }

  static Future<String> signalsThenWaits(
      Oneshot.Sender<String> started, Future<String> never, List<String> log) {
    try {
      started.send("started"); // inside the try: an abort from now on runs the finally
      return Future.ready(await(never));
    } finally {
      log.add("a finally");
    }
  }

  // 2. Abandoned children give back what they were granted.

  @Test
  void aTimeoutAroundJoinAllOfALockGivesTheLockBack() {
    try (AsyncRuntime rt = runtime()) {
      Mutex<String> mutex = new Mutex<>("cart");
      Mutex.Guard<String> holder = mutex.tryLock();
      Oneshot.Channel<String> never = Oneshot.channel();
      JoinHandle<?> task = rt.spawn(rt.timer().timeout(
          Futures.joinAll(mutex.lock(), never.receiver()), Duration.ofMillis(10)));
      settle(rt);
      clock.advance(Duration.ofMillis(10));
      settle(rt);
      assertThrows(Elapsed.class, () -> rt.blockOn(task));
      holder.close();
      assertNotNull(mutex.tryLock(), "nobody holds the lock after the abandoned lock()");
    }
  }

  @Test
  void aJoinAllThatFailsGivesBackTheLockItAlreadyGot() {
    try (AsyncRuntime rt = runtime()) {
      Mutex<String> mutex = new Mutex<>("cart");
      Oneshot.Channel<String> fails = Oneshot.channel();
      JoinHandle<?> task = rt.spawn(Futures.joinAll(mutex.lock(), fails.receiver()));
      settle(rt);
      fails.sender().close(); // the second child fails after the first got the lock
      settle(rt);
      assertTrue(task.isFailed());
      assertNotNull(mutex.tryLock(), "the guard nobody saw was given back");
    }
  }

  @Test
  void aRaceLosingItsAcquireGivesThePermitBack() {
    try (AsyncRuntime rt = runtime()) {
      Semaphore sem = new Semaphore(1);
      Semaphore.Permit held = sem.tryAcquire(1);
      Oneshot.Channel<Object> winner = Oneshot.channel();
      JoinHandle<Object> task = rt.spawn(Futures.race(sem.acquire(), winner.receiver()));
      settle(rt);
      winner.sender().send("won");
      assertEquals("won", rt.blockOn(task));
      held.close();
      assertEquals(1, sem.available(), "the loser's place was given up, its permit not taken");
    }
  }

  static Future<String> failsChecked(Future<String> first) throws IOException {
    await(first);
    throw new IOException("disk on fire");
  }

  static Future<String> failsCheckedNow() {
    return SneakyFail.checked();
  }

  @Test
  void aChildFailingWithACheckedExceptionStillCancelsTheOthers() {
    try (AsyncRuntime rt = runtime()) {
      Oneshot.Channel<String> go = Oneshot.channel();
      Oneshot.Channel<String> never = Oneshot.channel();
      JoinHandle<List<String>> task = rt.spawn(Futures.joinAll(
          leaf("a", never.receiver(), log), failsCheckedSoon(go.receiver())));
      settle(rt);
      go.sender().send("go");
      settle(rt);
      IOException e = assertThrows(IOException.class, () -> rt.blockOn(task));
      assertEquals("disk on fire", e.getMessage());
      assertEquals(List.of("a finally"), log);
    }
  }

  static Future<String> failsCheckedSoon(Future<String> go) {
    try {
      return failsChecked(go);
    } catch (IOException impossible) {
      throw new AssertionError(impossible);
    }
  }

  /** Throws a checked exception from an ordinary future, as a rewritten method would. */
  static final class SneakyFail {
    static Future<String> checked() {
      return cx -> {
        throw dev.tinyrt.internal.Sneaky.rethrow(new IOException("disk on fire"));
      };
    }
  }

  // 11. Clean-up awaits after cancellation.

  static Future<String> cleansUpWithAnAwait(
      Future<String> never, Future<String> cleanup, List<String> log) {
    try {
      return Future.ready(await(never));
    } finally {
      log.add("cleaning");
      log.add("cleanup " + await(Futures.nonCancellable(cleanup)));
    }
  }

  @Test
  void aCancelledTaskMayAwaitInANonCancellableSection() {
    try (AsyncRuntime rt = runtime()) {
      Oneshot.Channel<String> never = Oneshot.channel();
      Oneshot.Channel<String> cleanup = Oneshot.channel();
      JoinHandle<String> task =
          rt.spawn(cleansUpWithAnAwait(never.receiver(), cleanup.receiver(), log));
      settle(rt);
      task.abort();
      settle(rt);
      assertEquals(List.of("cleaning"), log);
      assertFalse(task.isFinished(), "the task waits for its clean-up");
      cleanup.sender().send("done");
      settle(rt);
      assertEquals(List.of("cleaning", "cleanup done"), log);
      assertTrue(task.isCancelled());
      assertThrows(CancelledException.class, () -> rt.blockOn(task));
    }
  }

  @Test
  void aTimeoutWaitsForItsLoserToFinishItsNonCancellableCleanUp() {
    try (AsyncRuntime rt = runtime()) {
      Oneshot.Channel<String> never = Oneshot.channel();
      Oneshot.Channel<String> cleanup = Oneshot.channel();
      JoinHandle<String> task = rt.spawn(rt.timer().timeout(
          cleansUpWithAnAwait(never.receiver(), cleanup.receiver(), log), Duration.ofSeconds(1)));
      settle(rt);
      clock.advance(Duration.ofSeconds(1));
      settle(rt);
      assertFalse(task.isFinished(), "the timeout waits for its loser's clean-up");
      cleanup.sender().send("done");
      settle(rt);
      assertThrows(Elapsed.class, () -> rt.blockOn(task));
      assertEquals(List.of("cleaning", "cleanup done"), log);
    }
  }

  static Future<String> awaitsInFinallyWithoutASection(
      Future<String> never, Future<String> other, List<String> log) {
    try {
      return Future.ready(await(never));
    } finally {
      try {
        await(other);
        log.add("awaited in finally");
      } catch (CancelledException expected) {
        log.add("await in finally threw");
      }
    }
  }

  @Test
  void anAwaitOutsideASectionThrowsAtOnceInACancelledTask() {
    try (AsyncRuntime rt = runtime()) {
      Oneshot.Channel<String> never = Oneshot.channel();
      Oneshot.Channel<String> other = Oneshot.channel();
      JoinHandle<String> task =
          rt.spawn(awaitsInFinallyWithoutASection(never.receiver(), other.receiver(), log));
      settle(rt);
      task.abort();
      settle(rt);
      assertEquals(List.of("await in finally threw"), log);
      assertTrue(task.isCancelled());
    }
  }

  // 12. A future never polled is not started when abandoned.

  static Future<String> effectful(Mutex<String> mutex, List<String> log) {
    log.add("effectful started");
    try (Mutex.Guard<String> g = await(mutex.lock())) {
      return Future.ready(g.get());
    }
  }

  @Test
  void losersThatWereNeverPolledNeverRun() {
    try (AsyncRuntime rt = runtime()) {
      Mutex<String> mutex = new Mutex<>("x");
      assertEquals("first",
          rt.blockOn(Futures.race(Future.ready("first"), effectful(mutex, log))));
      Oneshot.Channel<String> fails = Oneshot.channel();
      fails.sender().close();
      assertThrows(RuntimeException.class,
          () -> rt.blockOn(Futures.joinAll(fails.receiver(), effectful(mutex, log))));
      assertEquals(List.of(), log, "no never-polled future ran");
      assertNotNull(mutex.tryLock());
    }
  }

  static Future<String> selectsAPolledAsyncLoser(
      Future<String> winner, Future<String> never, List<String> log) {
    return Future.ready(await(Futures.race(leaf("loser", never, log), winner)));
  }

  @Test
  void aPolledAsyncLoserUnwindsThroughItsFinally() {
    try (AsyncRuntime rt = runtime()) {
      Oneshot.Channel<String> winner = Oneshot.channel();
      Oneshot.Channel<String> never = Oneshot.channel();
      JoinHandle<String> task =
          rt.spawn(selectsAPolledAsyncLoser(winner.receiver(), never.receiver(), log));
      settle(rt);
      winner.sender().send("w");
      assertEquals("w", rt.blockOn(task));
      assertEquals(List.of("loser finally"), log);
    }
  }

  // 13. A cancelled task that reaches a new await throws there.

  static Future<String> catchesThenAwaitsAgain(
      Future<String> never, Future<String> again, List<String> log) {
    try {
      await(never);
    } catch (CancelledException e) {
      log.add("caught");
    }
    await(again);
    log.add("went on");
    return Future.ready("not cancelled");
  }

  @Test
  void everyAwaitOfACancelledTaskThrows() {
    try (AsyncRuntime rt = runtime()) {
      Oneshot.Channel<String> never = Oneshot.channel();
      Oneshot.Channel<String> again = Oneshot.channel();
      JoinHandle<String> task =
          rt.spawn(catchesThenAwaitsAgain(never.receiver(), again.receiver(), log));
      settle(rt);
      task.abort();
      settle(rt);
      assertEquals(List.of("caught"), log);
      assertTrue(task.isFinished() && task.isCancelled());
      assertEquals(0, rt.liveTasks());
    }
  }

  @Test
  void anAbortBeforeALeafCompletesWinsOverTheLeaf() {
    try (AsyncRuntime rt = runtime()) {
      Oneshot.Channel<String> a = Oneshot.channel();
      JoinHandle<String> task = rt.spawn(outer(leaf("a", a.receiver(), log), log));
      settle(rt);
      task.abort();
      a.sender().send("too late"); // ready before the task polls again: the abort still wins
      settle(rt);
      assertEquals(List.of("a finally", "outer finally"), log);
      assertTrue(task.isCancelled());
    }
  }

  static Future<Long> returnsInsideTryFinally(List<String> log) {
    try {
      long v = await(Future.ready(42L));
      return Future.ready(v);
    } finally {
      log.add("finally");
    }
  }

  @Test
  void aCancellationThatLandsAfterTheBodyReturnedKeepsTheValue() {
    // Cancelled from the second question on: after the await, before the method's tail. The body
    // returned and ran its finally as for a normal return, so the value must not be lost.
    java.util.concurrent.atomic.AtomicInteger asks = new java.util.concurrent.atomic.AtomicInteger();
    dev.tinyrt.Context cx =
        dev.tinyrt.Context.from(dev.tinyrt.Waker.noop(), () -> asks.incrementAndGet() > 1);
    assertEquals(42L, returnsInsideTryFinally(log).poll(cx).get());
    assertEquals(List.of("finally"), log);
  }

  // 6. A JoinHandle awaited by several tasks wakes every one.

  static Future<String> awaitsHandle(JoinHandle<String> handle, String who) {
    return Future.ready(who + ":" + await(handle));
  }

  @Test
  void aHandleAwaitedByTwoTasksWakesBoth() {
    try (AsyncRuntime rt = runtime()) {
      Oneshot.Channel<String> value = Oneshot.channel();
      JoinHandle<String> producer = rt.spawn(value.receiver());
      JoinHandle<String> first = rt.spawn(awaitsHandle(producer, "first"));
      JoinHandle<String> second = rt.spawn(awaitsHandle(producer, "second"));
      settle(rt);
      value.sender().send("v");
      settle(rt);
      assertEquals("first:v", rt.blockOn(first));
      assertEquals("second:v", rt.blockOn(second));
    }
  }

  @Test
  void aHandleAwaitedByATaskAndByBlockOnWakesBoth() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(2).build()) {
      Oneshot.Channel<String> value = Oneshot.channel();
      JoinHandle<String> producer = rt.spawn(value.receiver());
      JoinHandle<String> waiter = rt.spawn(awaitsHandle(producer, "task"));
      Thread sender = new Thread(() -> value.sender().send("v"));
      sender.start();
      assertEquals("v", Async.blockOn(producer));
      assertEquals("task:v", waiter.toCompletableFuture().get(10, TimeUnit.SECONDS));
      sender.join();
    }
  }

  @Test
  void aHandleCannotBeRunFromOutside() {
    try (AsyncRuntime rt = runtime()) {
      Oneshot.Channel<String> value = Oneshot.channel();
      JoinHandle<String> handle = rt.spawn(value.receiver());
      settle(rt);
      assertInstanceOf(Runnable.class, handle, "the scheduler's view is still there");
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> ((Runnable) handle).run());
      assertTrue(e.getMessage().contains("await it"), e.getMessage());
      value.sender().send("v");
      assertEquals("v", rt.blockOn(handle));
    }
  }

  // 3. A wake never throws, even after the runtime closed.

  static Future<String> neverFinishesItsCleanUp(Oneshot.Sender<String> started,
      Future<String> never, Future<String> cleanup, List<String> log) {
    started.send("started");
    try {
      return Future.ready(await(never));
    } finally {
      await(Futures.nonCancellable(cleanup));
      log.add("cleaned up");
    }
  }

  @Test
  void wakesAfterTheRuntimeGaveUpOnATaskDoNothing() {
    Oneshot.Channel<String> never = Oneshot.channel();
    Oneshot.Channel<String> cleanup = Oneshot.channel();
    Oneshot.Channel<String> started = Oneshot.channel();
    JoinHandle<String> task;
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(1).build()) {
      task = rt.spawn(neverFinishesItsCleanUp(
          started.sender(), never.receiver(), cleanup.receiver(), log));
      assertEquals("started", Async.blockOn(started.receiver()));
      assertFalse(rt.shutdown(Duration.ZERO), "the task could not finish in no time");
      assertEquals(0, rt.liveTasks(), "the runtime gave up on it");
    }
    assertTrue(task.isFinished() && task.isCancelled());
    cleanup.sender().send("late"); // wakes a task of a stopped runtime: must not throw
    never.sender().send("late");
    assertThrows(CancelledException.class, () -> Async.blockOn(task));
    // The JVM-wide timer still works after that.
    assertEquals("slept", Async.blockOn(afterSleep()));
  }

  static Future<String> closesAfterItsSection(Oneshot.Sender<String> started,
      Future<String> neverEnds, List<String> log) {
    started.send("started");
    try {
      return Future.ready(await(Futures.nonCancellable(neverEnds)));
    } finally {
      log.add("finally"); // a socket's close, say
    }
  }

  /**
   * A task given up while it waits inside a non-cancellable section (a write to a peer that never
   * reads): the section was abandoned, but its await returned pending, so the frame stayed parked
   * there and the {@code finally} after it never ran (a hostile campaign's socket stayed open).
   * Now the abandoned section's await throws {@code CancelledException} and the finally runs, once,
   * on either kind of runtime.
   */
  @Test
  void aTaskGivenUpInsideANonCancellableSectionRunsItsFinallyOnce() {
    for (boolean multi : new boolean[] {false, true}) {
      List<String> finallies = Collections.synchronizedList(new ArrayList<>());
      Oneshot.Channel<String> never = Oneshot.channel();
      Oneshot.Channel<String> started = Oneshot.channel();
      JoinHandle<String> task;
      try (AsyncRuntime rt = multi ? AsyncRuntime.builder().multiThread(1).build()
          : AsyncRuntime.currentThread()) {
        task = rt.spawn(closesAfterItsSection(started.sender(), never.receiver(), finallies));
        assertEquals("started", rt.blockOn(started.receiver()));
        assertFalse(rt.shutdown(Duration.ZERO), "the section cannot end: the task is given up");
      }
      assertTrue(task.isCancelled());
      assertEquals(List.of("finally"), finallies, multi ? "multi-threaded" : "current-thread");
      never.sender().send("late"); // wakes nothing: the section forgot the task
      assertEquals(List.of("finally"), finallies);
    }
  }

  static Future<String> afterSleep() {
    await(Timer.system().sleep(Duration.ofMillis(1)));
    return Future.ready("slept");
  }

  // 10. blockOn on a runtime's thread is refused with what to do.

  static Future<String> blocksInside(Future<String> f) {
    await(Tasks.yieldNow()); // an await makes it an async method, run by the task
    return Future.ready(Async.blockOn(f));
  }

  @Test
  void blockOnInsideATaskIsRefusedOnBothRuntimes() {
    for (AsyncRuntime rt :
        List.of(AsyncRuntime.currentThread(), AsyncRuntime.builder().multiThread(1).build())) {
      try (rt) {
        JoinHandle<String> task = rt.spawn(blocksInside(Future.ready("x")));
        IllegalStateException e =
            assertThrows(IllegalStateException.class, () -> rt.blockOn(task));
        assertTrue(e.getMessage().contains("await the future instead"), e.getMessage());
        // The caller is named, not the check (it named RuntimeThreads.refuseBlocking once).
        assertTrue(e.getMessage().contains("Async.blockOn called in " + CancellationTest.class
            .getName() + ".blocksInside (CancellationTest.java:"), e.getMessage());
      }
    }
  }

  // 14. Messages.

  @Test
  void aCancelledTasksMessageSaysItOnceAndKeepsItsCause() {
    try (AsyncRuntime rt = runtime()) {
      Oneshot.Channel<String> never = Oneshot.channel();
      JoinHandle<String> task = rt.spawn(outer(leaf("a", never.receiver(), log), log));
      settle(rt);
      task.abort();
      CancelledException e = assertThrows(CancelledException.class, () -> rt.blockOn(task));
      assertEquals(1, e.getMessage().split("cancelled", -1).length - 1, e.getMessage());
      assertInstanceOf(CancelledException.class, e.getCause());
    }
  }

  static Future<Void> returnsNull() {
    await(Tasks.yieldNow());
    return null; // a natural slip in a Future<Void> method: the tail awaits it
  }

  @Test
  void aReturnOfNullNamesTheMethodAndTheFix() {
    for (AsyncRuntime rt :
        List.of(AsyncRuntime.currentThread(), AsyncRuntime.builder().multiThread(1).build())) {
      try (rt) {
        NullPointerException e =
            assertThrows(NullPointerException.class, () -> rt.blockOn(rt.spawn(returnsNull())));
        assertTrue(e.getMessage().startsWith("an async method awaited null in "
            + CancellationTest.class.getName() + ".returnsNull (CancellationTest.java:"),
            e.getMessage());
        assertTrue(e.getMessage().contains("Future.ready(null)"), e.getMessage());
      }
    }
  }

  @Test
  void tasksTimeoutOutsideATaskNamesTheFix() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Tasks.timeout(Future.ready(1), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("rt.timer().timeout(future, duration)"), e.getMessage());
    assertTrue(e.getMessage().contains("Tasks.timeout"), e.getMessage());
  }

  @Test
  void aDiscardedReadyFailureIsTheOriginalException() {
    try (AsyncRuntime rt = runtime()) {
      IOException e = assertThrows(IOException.class,
          () -> rt.blockOn(Futures.select(List.of(failsCheckedNow(), Future.ready("x")))));
      assertSame(IOException.class, e.getClass());
    }
  }
}
