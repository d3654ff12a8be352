// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.DeepCheck;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.Cancellation;
import dev.tinyrt.time.Elapsed;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Receives of a shared {@code Mpsc} receiver inside combinators ({@code timeout}, {@code select},
 * {@code race}), driven by hand on one thread with counting wakers and a manual clock, while random
 * sends, {@code tryRecv}s, aborts and clock steps move the channel between its lock-free slot (one
 * value or one waiting receive) and its locked queues. Checks, for many seeds: every value sent is
 * received exactly once (by a combinator, a {@code tryRecv}, or left queued), no receive that waits
 * misses its wake, and nothing waits in the channel or the timer once every future ended.
 */
class MpscCompositionTest {

  /**
   * Programs per capacity (CI's 3,000 times {@code scripts/deep-check}'s scale); each is a few
   * dozen steps, so CI's batch of the whole class runs in about a second.
   */
  private static final int SEEDS = DeepCheck.scaled(3_000);

  /** The most receives outstanding at once: 1 keeps the slot in use, more force the lock. */
  private static final int MAX_OUTSTANDING = 3;

  /** One receive in a combinator, as a task would hold it. */
  private static final class Consumer {
    /** The combinator (or the bare receive). */
    final Future<?> future;

    /** Its waker. */
    final CountingWaker waker = new CountingWaker();

    /** The waker's count when the last poll returned pending. */
    int wakesAtLastPending;

    Consumer(Future<?> future) {
      this.future = future;
    }
  }

  /** One program's channel, clock and books. */
  private static final class Run {
    final ManualClock clock = new ManualClock();
    final Timer timer = Timer.manual(clock);
    final Mpsc.Channel<Long> ch;
    final Random random;
    final List<Consumer> outstanding = new ArrayList<>();
    final Set<Long> sent = new HashSet<>();
    final List<Long> received = new ArrayList<>();
    long next = 1;

    Run(long seed, int capacity) {
      this.random = new Random(seed);
      this.ch = capacity == 0 ? Mpsc.unbounded() : Mpsc.bounded(capacity);
    }

    /** A receive wrapped the way tasks use one. */
    Future<?> newConsumerFuture() {
      Future<Long> recv = ch.receiver().recv();
      Duration limit = Duration.ofMillis(1 + random.nextInt(20));
      return switch (random.nextInt(4)) {
        case 0 -> recv;
        case 1 -> timer.timeout(recv, limit);
        case 2 -> Futures.select(List.of(recv, timer.sleep(limit)));
        default -> Futures.race(timer.timeout(recv, limit), ch.receiver().recv());
      };
    }

    /** Polls {@code c}; returns true if it ended (ready, elapsed), recording what it received. */
    boolean poll(Consumer c) {
      try {
        Poll<?> p = c.future.poll(c.waker.context());
        if (!p.isReady()) {
          c.wakesAtLastPending = c.waker.count();
          return false;
        }
        Object v = p.get();
        if (v instanceof Futures.Selected<?> s) {
          v = s.value();
        }
        if (v instanceof Long value) {
          received.add(value);
        }
        return true;
      } catch (Elapsed e) {
        return true;
      }
    }

    /** Aborts {@code c} as a cancelled task would: unwinds a combinator, drops a leaf. */
    void abort(Consumer c) {
      assertTrue(Cancellation.abandonNow(c.future, Waker.noop()), "an aborted receive unwinds at once");
    }

    void send() {
      long v = next++;
      if (ch.sender().trySend(v)) {
        sent.add(v);
      }
    }

    void step() {
      int op = random.nextInt(10);
      if (op <= 1 && outstanding.size() < MAX_OUTSTANDING) {
        Consumer c = new Consumer(newConsumerFuture());
        if (!poll(c)) {
          outstanding.add(c);
        }
      } else if (op <= 3 && !outstanding.isEmpty()) {
        Consumer c = outstanding.get(random.nextInt(outstanding.size()));
        if (poll(c)) {
          outstanding.remove(c);
        }
      } else if (op == 4 && !outstanding.isEmpty()) {
        abort(outstanding.remove(random.nextInt(outstanding.size())));
      } else if (op <= 6) {
        send();
      } else if (op == 7) {
        Long v = ch.receiver().tryRecv();
        if (v != null) {
          received.add(v);
        }
      } else {
        clock.advance(Duration.ofMillis(1 + random.nextInt(10)));
      }
    }

    /** Every receive still waiting must have been woken by the values sent to it. */
    void checkNoLostWake(long seed) {
      // Each outstanding future holds one waiting receive (a race, two); a value per receive
      // grants each of them, so each consumer must have been woken since its last pending poll.
      int receives = outstanding.size() * 2;
      for (int i = 0; i < receives; i++) {
        send();
      }
      for (Consumer c : outstanding) {
        assertTrue(c.waker.count() > c.wakesAtLastPending,
            "seed " + seed + ": a receive waiting in " + c.future + " was never woken though "
                + receives + " values were sent for " + outstanding.size() + " consumers");
      }
    }

    void finish(long seed) {
      checkNoLostWake(seed);
      for (Consumer c : outstanding) {
        if (!poll(c)) {
          abort(c);
        }
      }
      outstanding.clear();
      for (Long v = ch.receiver().tryRecv(); v != null; v = ch.receiver().tryRecv()) {
        received.add(v);
      }
      Set<Long> once = new HashSet<>();
      for (Long v : received) {
        assertTrue(once.add(v), "seed " + seed + ": value " + v + " was received twice");
        assertTrue(sent.contains(v), "seed " + seed + ": value " + v + " was never sent");
      }
      assertEquals(sent, once, "seed " + seed + ": every value sent is received exactly once");
      assertEquals(0, ch.receiver().waitingReceives(),
          "seed " + seed + ": no receive waits once every future ended");
      assertEquals(0, timer.pending(), "seed " + seed + ": no sleep left in the timer");
    }
  }

  private static void runAll(int capacity) {
    for (long seed = 0; seed < SEEDS; seed++) {
      Run run = new Run(seed, capacity);
      int steps = 10 + run.random.nextInt(40);
      for (int i = 0; i < steps; i++) {
        run.step();
      }
      run.finish(seed);
    }
  }

  @Test
  void unboundedChannelUnderCombinatorsAndAborts() {
    runAll(/* capacity = unbounded */ 0);
  }

  @Test
  void boundedChannelOfOneUnderCombinatorsAndAborts() {
    runAll(1);
  }

  @Test
  void boundedChannelOfThreeUnderCombinatorsAndAborts() {
    runAll(3);
  }

  /**
   * The value a send hands straight to the receive waiting in the slot, when a timeout around that
   * receive elapses before it is polled again: the timeout reports its value (or hands it on), so
   * the value is never lost and the receive leaves nothing in the channel.
   */
  @Test
  void valueHandedInTheSlotToAReceiveWhoseTimeoutElapsed() {
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    Mpsc.Channel<Long> ch = Mpsc.unbounded();
    CountingWaker waker = new CountingWaker();
    Context cx = waker.context();
    Future<Long> first = timer.timeout(ch.receiver().recv(), Duration.ofMillis(5));
    assertTrue(first.poll(cx).isPending());
    assertTrue(ch.sender().trySend(7L), "handed to the receive in the slot");
    clock.advance(Duration.ofMillis(5));
    Long got;
    try {
      got = first.poll(cx).get();
    } catch (Elapsed e) {
      got = ch.receiver().tryRecv();
    }
    assertEquals(7L, got, "the handed value is returned, or handed back to the channel");
    assertEquals(0, ch.receiver().waitingReceives());
    assertEquals(0, timer.pending());
  }
}
