// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.time.Elapsed;
import dev.tinyrt.time.Interval;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.MissedTicks;
import dev.tinyrt.time.Timer;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leaks measured where users abandon waits: 100,000 receives of oneshot, watch and broadcast
 * channels (and ticks of an interval), every other one started inside a {@code timeout} that elapses, the others inside a
 * {@code select} that another child wins, each combinator with its own waker. Afterwards the channel queues none of them, keeps none of
 * their wakers (each is collectable), and works as before. {@link AbandonedWaitersLeakTest} drops
 * the receives directly; here the combinators do it.
 */
@Timeout(120)
class AbandonedInCombinatorsLeakTest {

  /** How many waits each test starts and abandons. */
  static final int WAITS = 100_000;

  /** The manual clock the timeouts run on. */
  private final ManualClock clock = new ManualClock();

  /** The timer of the timeouts. */
  private final Timer timer = Timer.manual(clock);

  /** The wakers the combinators were polled with, weakly. */
  private final List<WeakReference<Waker>> wakers = new ArrayList<>(WAITS);

  /** The contexts of the combinators, by index (their wakers held only through them). */
  private final List<Context> contexts = new ArrayList<>(WAITS);

  /**
   * Starts {@code WAITS} waits from {@code make}, every other one inside a timeout that will elapse,
   * the others inside a select that another child will win; each combinator with its own waker.
   */
  private List<Future<?>> startAll(Supplier<Future<?>> make) {
    List<Future<?>> started = new ArrayList<>(WAITS);
    for (int i = 0; i < WAITS; i++) {
      Future<?> f = around(make.get(), i);
      Waker w = new Waker() {
        @Override
        public void wake() {}
      };
      wakers.add(new WeakReference<>(w));
      Context cx = Context.from(w);
      contexts.add(cx);
      assertTrue(f.poll(cx).isPending(), "wait " + i + " should be pending");
      started.add(f);
    }
    return started;
  }

  /** Wait {@code i} inside {@code timer.timeout(wait, 1 ms)}, or {@code select(wait, other)}. */
  @SuppressWarnings("unchecked")
  private Future<?> around(Future<?> wait, int i) {
    return isTimeout(i)
        ? timer.timeout((Future<Object>) wait, Duration.ofMillis(1))
        : Futures.select(List.of((Future<Object>) wait, new ReadyOnSecondPoll()));
  }

  private static boolean isTimeout(int i) {
    return i % 2 == 0;
  }

  /**
   * Lets each combinator abandon its wait, the test being its executor: the timeouts elapse, the
   * selects' other child wins.
   */
  private void abandonAll(List<Future<?>> started) {
    clock.advance(Duration.ofMillis(1));
    for (int i = 0; i < started.size(); i++) {
      Future<?> f = started.get(i);
      Context cx = contexts.get(i);
      if (isTimeout(i)) {
        assertThrows(Elapsed.class, () -> f.poll(cx));
      } else {
        Poll<?> p = f.poll(cx);
        assertTrue(p.isReady());
        assertEquals(1, ((Futures.Selected<?>) p.get()).index(), "the other child won");
      }
    }
    contexts.clear();
    assertEquals(0, timer.pending(), "no timeout's sleep is left in the timer");
  }

  /** Asserts no waker is reachable any more (the combinators themselves still are). */
  private void assertNoWakerKept() {
    for (int round = 0; round < 10 && alive() > 0; round++) {
      System.gc();
    }
    assertEquals(0, alive(), "wakers of abandoned waits still reachable");
  }

  private int alive() {
    int n = 0;
    for (WeakReference<Waker> w : wakers) {
      n += w.get() != null ? 1 : 0;
    }
    return n;
  }

  /** Pending on its first poll (waking nobody: the test polls again itself), then ready. */
  private static final class ReadyOnSecondPoll implements Future<Object> {
    /** Whether it was polled once. */
    private boolean polled;

    @Override
    public Poll<Object> poll(Context cx) {
      if (polled) {
        return Poll.ready("other");
      }
      polled = true;
      return Poll.pending();
    }
  }

  private List<Future<?>> run(Supplier<Future<?>> make) {
    List<Future<?>> started = startAll(make);
    abandonAll(started);
    return started;
  }

  @Test
  void oneshotReceives() {
    List<Oneshot.Sender<Integer>> senders = new ArrayList<>(WAITS);
    List<Oneshot.Receiver<Integer>> receivers = new ArrayList<>(WAITS);
    List<Future<?>> started = run(() -> {
      Oneshot.Channel<Integer> ch = Oneshot.channel();
      senders.add(ch.sender()); // kept: no channel closes by garbage collection
      receivers.add(ch.receiver());
      return ch.receiver();
    });
    int holding = 0;
    for (Oneshot.Receiver<Integer> r : receivers) {
      holding += r.holdsWaker() ? 1 : 0;
    }
    assertEquals(0, holding, "channels still holding the waker of an abandoned receive");
    assertNoWakerKept();
    for (int i = 0; i < WAITS; i++) {
      senders.get(i).send(i);
      assertFalse(receivers.get(i).holdsValue(), "a value sent to an abandoned receive is kept");
    }
    assertEquals(WAITS, started.size());
  }

  @Test
  void watchChanges() {
    Watch.Channel<Integer> ch = Watch.channel(0);
    run(() -> ch.sender().subscribe().changed());
    assertEquals(0, ch.sender().waitingReceives(), "changed() still queued");
    assertNoWakerKept();
    Watch.Receiver<Integer> later = ch.sender().subscribe();
    Future<Integer> next = later.changed();
    assertTrue(next.poll(Context.from(Waker.noop())).isPending());
    ch.sender().send(1);
    assertEquals(1, next.poll(Context.from(Waker.noop())).get(), "the channel works as before");
  }

  @Test
  void broadcastReceives() {
    Broadcast.Sender<Integer> tx = Broadcast.channel(2);
    Broadcast.Receiver<Integer> shared = tx.subscribe();
    run(shared::recv);
    assertEquals(0, tx.waitingReceives(), "receives still queued");
    assertNoWakerKept();
    tx.send(1);
    assertEquals(1, shared.recv().poll(Context.from(Waker.noop())).get(),
        "no abandoned receive took the value from the shared receiver");
  }

  @Test
  void intervalTicks() {
    Interval hourly = timer.interval(Duration.ofHours(1), MissedTicks.SKIP);
    long first = (Long) hourly.tick().poll(Context.from(Waker.noop())).get(); // the first is now
    run(hourly::tick); // abandoned: "assertEquals(0, timer.pending())" in abandonAll
    assertNoWakerKept();
    Future<Long> next = hourly.tick();
    assertTrue(next.poll(Context.from(Waker.noop())).isPending());
    clock.advance(Duration.ofHours(1));
    assertEquals(first + Duration.ofHours(1).toNanos(), next.poll(Context.from(Waker.noop())).get(),
        "the schedule did not move for the abandoned ticks");
  }
}
