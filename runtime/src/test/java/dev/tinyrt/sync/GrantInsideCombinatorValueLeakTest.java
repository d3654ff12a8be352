// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A permit or a lock won inside a combinator's own value (a select's {@code Selected}, a joinAll's
 * list, a race's or a timeout's winner) that an outer combinator throws away (it failed, was
 * cancelled, or this one lost) comes back: the inner combinator gives back its children's values
 * (found by a hostile round's random compositions, 15 leaks in 13,000 programs). The select and
 * joinAll cases failed before; a race's and a timeout's value is the permit or guard itself, which
 * was given back already, and their cases pin it.
 */
class GrantInsideCombinatorValueLeakTest {

  private static final Future<Object> NEVER = cx -> Poll.pending();

  private static Future<Object> failing() {
    return cx -> {
      throw new IllegalStateException("sibling failed");
    };
  }

  /** @return the futures as one list of a single type, for a combinator (also used by others) */
  @SuppressWarnings("unchecked")
  static List<Future<Object>> list(Future<?>... futures) {
    List<Future<Object>> l = new ArrayList<>();
    for (Future<?> f : futures) {
      l.add((Future<Object>) f);
    }
    return l;
  }

  /** joinAll(select(acquire, never), failing): the Selected holding the permit is dropped. */
  @Test
  void aPermitWonByAnInnerSelectComesBackWhenTheOuterJoinAllFails() {
    Semaphore sem = new Semaphore(1);
    Future<List<Object>> join = Futures.joinAll(list(
        Futures.select(list(sem.acquire(), NEVER)), failing()));
    assertThrows(IllegalStateException.class, () -> join.poll(new CountingWaker().context()));
    assertEquals(1, sem.available(), "the permit inside the Selected nobody will see came back");
  }

  /** joinAll(joinAll(acquire), failing): the inner List holding the permit is dropped. */
  @Test
  void aPermitInAnInnerJoinAllsListComesBackWhenTheOuterJoinAllFails() {
    Semaphore sem = new Semaphore(1);
    Future<List<Object>> join = Futures.joinAll(list(
        Futures.joinAll(list(sem.acquire())), failing()));
    assertThrows(IllegalStateException.class, () -> join.poll(new CountingWaker().context()));
    assertEquals(1, sem.available(), "the permit inside the inner List came back");
  }

  /** select(joinAll(never-yet, select(acquire)), ready): the losing joinAll drops its Selected. */
  @Test
  void aPermitHeldByALosingJoinAllComesBack() {
    Semaphore sem = new Semaphore(1);
    boolean[] open = {false};
    Future<Object> later = cx -> open[0] ? Poll.ready("late") : Poll.pending();
    Future<Futures.Selected<Object>> select = Futures.select(list(
        Futures.joinAll(list(later, Futures.select(list(sem.acquire())))),
        Future.ready("winner")));
    assertEquals(1, select.poll(new CountingWaker().context()).get().index());
    assertEquals(1, sem.available(), "the losing joinAll's permit came back");
  }

  /** joinAll(race(acquire, never), failing): the race's winner, a permit, is dropped. */
  @Test
  void aPermitWonByAnInnerRaceComesBackWhenTheOuterJoinAllFails() {
    Semaphore sem = new Semaphore(1);
    Future<List<Object>> join = Futures.joinAll(list(Futures.race(sem.acquire(), NEVER), failing()));
    assertThrows(IllegalStateException.class, () -> join.poll(new CountingWaker().context()));
    assertEquals(1, sem.available(), "the race's permit came back");
  }

  /** joinAll(timeout(lock), failing): the guard the timeout returned is dropped. */
  @Test
  void aGuardReturnedByAnInnerTimeoutComesBackWhenTheOuterJoinAllFails() {
    Mutex<String> mutex = new Mutex<>("value");
    Timer timer = Timer.manual(new ManualClock());
    Future<List<Object>> join = Futures.joinAll(list(
        timer.timeout(mutex.lock(), Duration.ofSeconds(1)), failing()));
    assertThrows(IllegalStateException.class, () -> join.poll(new CountingWaker().context()));
    assertEquals(true, mutex.isFree(), "the timeout's guard came back");
  }

  /**
   * select(joinAll(later, select(joinAll(acquire, acquire))), failing): the losing joinAll holds a
   * Selected holding a list holding two permits; all come back.
   */
  @Test
  void permitsThreeLevelsDownInALosingJoinAllComeBack() {
    Semaphore sem = new Semaphore(2);
    Future<Object> later = cx -> Poll.pending();
    Future<Futures.Selected<Object>> select = Futures.select(list(
        Futures.joinAll(list(later,
            Futures.select(list(Futures.joinAll(list(sem.acquire(), sem.acquire())))))),
        failing()));
    assertThrows(IllegalStateException.class, () -> select.poll(new CountingWaker().context()));
    assertEquals(2, sem.available(), "the innermost joinAll's two permits came back");
  }
}
