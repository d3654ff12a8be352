// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Waker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task's several waiters ({@link JoinWaiters}): each once by identity, whether it holds them in
 * its small array or, past {@link JoinWaiters#SMALL}, in its identity set; forgetting one leaves
 * the others; and a handle joined by many more awaiters than that wakes each exactly once.
 */
class JoinWaitersTest {

  /** A waker equal to every other: the waiters must still tell two of them apart. */
  private static final class EqualToAll implements Waker {
    @Override
    public void wake() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof EqualToAll;
    }

    @Override
    public int hashCode() {
      return 1;
    }
  }

  @Test
  void keepsEachWaiterOnceByIdentityOnBothSidesOfTheSwitch() {
    for (int n : new int[] {2, JoinWaiters.SMALL, JoinWaiters.SMALL + 1, 1_000}) {
      List<Object> added = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        added.add(new EqualToAll());
      }
      JoinWaiters waiters = new JoinWaiters(added.get(0), added.get(1));
      for (int round = 0; round < 2; round++) { // the second round: each polls again
        for (Object w : added) {
          waiters.add(w);
        }
      }
      assertEquals(n, waiters.size(), n + " distinct waiters, each added twice or more");
      assertSameElements(added, waiters.close());
      assertFalse(waiters.add(new EqualToAll()), "a closed JoinWaiters takes no more waiters");
      assertEquals(0, waiters.size());
    }
  }

  @Test
  void forgettingOneLeavesTheOthersOnBothSidesOfTheSwitch() {
    for (int n : new int[] {2, 5, JoinWaiters.SMALL, JoinWaiters.SMALL + 1, 100}) {
      List<Object> added = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        added.add(new EqualToAll());
      }
      JoinWaiters waiters = new JoinWaiters(added.get(0), added.get(1));
      added.subList(2, n).forEach(waiters::add);
      // Forget every other one, first, middle and last included.
      List<Object> left = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (i % 2 == 0 || i == n - 1) {
          waiters.remove(added.get(i));
        } else {
          left.add(added.get(i));
        }
      }
      waiters.remove(new EqualToAll()); // never added: nothing changes
      assertEquals(left.size(), waiters.size());
      // One forgotten may come back (it polls again), once.
      waiters.add(added.get(0));
      waiters.add(added.get(0));
      assertEquals(left.size() + 1, waiters.size());
      left.add(added.get(0));
      assertSameElements(left, waiters.close());
    }
  }

  @Test
  void aHandleJoinedByManyWakesEachOnceAndForgetsTheAbandoned() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.localScheduler().runOne();
      Task<?> task = (Task<?>) handle;
      int n = 10_000;
      List<CountingWaker> wakers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        CountingWaker w = new CountingWaker();
        wakers.add(w);
        Context cx = w.context();
        assertTrue(handle.poll(cx).isPending());
        assertTrue(handle.poll(cx).isPending());
      }
      assertEquals(n, task.waiterCount());
      for (int i = 0; i < n; i += 2) {
        task.forget(wakers.get(i));
      }
      assertEquals(n / 2, task.waiterCount());
      gate.complete("done");
      rt.localScheduler().runOne();
      for (int i = 0; i < n; i++) {
        assertEquals(i % 2, wakers.get(i).count(), "waker " + i);
      }
      assertEquals(0, task.waiterCount());
    }
  }

  private static void assertSameElements(List<Object> expected, Object[] actual) {
    assertEquals(expected.size(), actual.length);
    List<Object> rest = new ArrayList<>(Arrays.asList(actual));
    for (Object e : expected) {
      boolean found = false;
      for (int i = 0; i < rest.size(); i++) {
        if (rest.get(i) == e) {
          rest.remove(i);
          found = true;
          break;
        }
      }
      assertTrue(found, "a waiter added is missing");
    }
  }
}
