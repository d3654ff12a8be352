// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.usercode;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.sync.Broadcast;
import dev.tinyrt.sync.Mutex;
import dev.tinyrt.sync.Notify;
import dev.tinyrt.sync.Semaphore;
import dev.tinyrt.sync.Watch;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A combinator or a primitive's future polled again after it completed is refused with a message
 * that names the user's code and what the user called: the combinators named tinyrt's own frame
 * ({@code dev.tinyrt.Futures$Select.poll (Futures.java:224)}), a race called itself a select, a
 * lock a semaphore acquire, and the primitives named no call site (found by a hostile round; the
 * combinators' and the lock's cases failed before). In a package of its own: {@code dev.tinyrt}'s
 * frames are the runtime's, never the user's.
 */
class PolledAfterCompletionNamesUserCodeTest {

  /** Makes a future that is ready at once, polls it twice and checks the second refusal. */
  private static void assertNamesThisTest(Supplier<Future<?>> make, String name) {
    Future<?> f = make.get();
    Context cx = new CountingWaker().context();
    assertTrue(f.poll(cx).isReady());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.poll(cx));
    assertTrue(e.getMessage().contains(PolledAfterCompletionNamesUserCodeTest.class.getName()),
        "names the user's call site: " + e.getMessage());
    assertTrue(e.getMessage().contains(name), "names " + name + ": " + e.getMessage());
  }

  @Test
  void joinAll() {
    assertNamesThisTest(() -> Futures.joinAll(Future.ready(1)), "Futures.joinAll");
  }

  @Test
  void select() {
    assertNamesThisTest(() -> Futures.select(List.of(Future.ready(1))), "Futures.select");
  }

  @Test
  void race() {
    assertNamesThisTest(() -> Futures.race(Future.ready(1)), "Futures.race");
  }

  @Test
  void timeout() {
    Timer timer = Timer.manual(new ManualClock());
    assertNamesThisTest(() -> timer.timeout(Future.ready(1), Duration.ofSeconds(1)),
        "Timer.timeout");
  }

  @Test
  void nonCancellable() {
    assertNamesThisTest(() -> Futures.nonCancellable(Future.ready(1)), "Futures.nonCancellable");
  }

  @Test
  void mutexLock() {
    Mutex<String> mutex = new Mutex<>("v");
    assertNamesThisTest(mutex::lock, "Mutex.lock");
  }

  @Test
  void semaphoreAcquire() {
    Semaphore semaphore = new Semaphore(1);
    assertNamesThisTest(semaphore::acquire, "Semaphore.acquire");
  }

  @Test
  void notified() {
    Notify notify = new Notify();
    notify.notifyOne();
    assertNamesThisTest(notify::notified, "Notify.notified");
  }

  @Test
  void watchChanged() {
    Watch.Channel<String> ch = Watch.channel("a");
    Watch.Receiver<String> rx = ch.receiver();
    assertNamesThisTest(() -> {
      ch.sender().send("b");
      return rx.changed();
    }, "changed()");
  }

  @Test
  void broadcastRecv() {
    Broadcast.Sender<String> tx = Broadcast.channel(2);
    Broadcast.Receiver<String> rx = tx.subscribe();
    assertNamesThisTest(() -> {
      tx.send("x");
      return rx.recv();
    }, "recv");
  }
}
