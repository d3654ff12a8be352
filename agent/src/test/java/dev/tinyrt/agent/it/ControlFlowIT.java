// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tinyrt.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loops, try/catch/finally, try-with-resources and recursion, with real suspensions inside. */
class ControlFlowIT {

  final Later.Driver driver = new Later.Driver();

  static Future<String> loopWithBreakAndContinue(Later.Driver d, int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int v = await(d.of(i));
      if (v % 2 == 1) {
        continue;
      }
      if (v > 6) {
        break;
      }
      out.append(v).append(',');
      while (true) {
        if (await(d.of(true))) {
          break;
        }
      }
    }
    return Future.ready(out.toString());
  }

  @Test
  void loopsWithBreakAndContinue() {
    assertEquals("0,2,4,6,", driver.run(loopWithBreakAndContinue(driver, 100)));
  }

  static Future<Long> manyReadyAwaits(int n) {
    long sum = 0;
    Future<Long> one = Future.ready(1L);
    for (int i = 0; i < n; i++) {
      sum += await(one);
    }
    return Future.ready(sum);
  }

  @Test
  void twoHundredThousandReadyAwaitsRunInOnePollWithoutStackGrowth() {
    assertEquals(200_000L, Wakers.runReady(manyReadyAwaits(200_000)));
  }

  static Future<String> nestedTryCatchFinally(Later.Driver d, List<String> log, boolean fail) {
    try {
      log.add("outer try");
      try {
        log.add("inner " + await(d.of("a")));
        if (fail) {
          throw new IllegalStateException("boom");
        }
        log.add("inner end");
      } catch (IllegalStateException e) {
        log.add("caught " + e.getMessage() + " " + await(d.of("b")));
      } finally {
        log.add("inner finally " + await(d.of("c")));
      }
      return Future.ready("returned " + await(d.of("d")));
    } finally {
      log.add("outer finally " + await(d.of("e")));
    }
  }

  @Test
  void nestedTryCatchFinallyWithAwaitsEverywhere() {
    List<String> log = new ArrayList<>();
    assertEquals("returned d", driver.run(nestedTryCatchFinally(driver, log, true)));
    assertEquals(
        List.of("outer try", "inner a", "caught boom b", "inner finally c", "outer finally e"),
        log);
    log.clear();
    assertEquals("returned d", driver.run(nestedTryCatchFinally(driver, log, false)));
    assertEquals(
        List.of("outer try", "inner a", "inner end", "inner finally c", "outer finally e"), log);
  }

  static final class Resource implements AutoCloseable {
    final List<String> log;
    final String name;

    Resource(List<String> log, String name) {
      this.log = log;
      this.name = name;
      log.add("open " + name);
    }

    @Override
    public void close() {
      log.add("close " + name);
    }
  }

  static Future<String> tryWithResources(Later.Driver d, List<String> log, boolean fail) {
    try (Resource a = new Resource(log, await(d.of("a")));
        Resource b = new Resource(log, "b")) {
      String got = await(d.of("x"));
      if (fail) {
        throw new IllegalArgumentException("inside");
      }
      return Future.ready(a.name + b.name + got);
    }
  }

  @Test
  void tryWithResourcesClosesEachResourceOnce() {
    List<String> log = new ArrayList<>();
    assertEquals("abx", driver.run(tryWithResources(driver, log, false)));
    assertEquals(List.of("open a", "open b", "close b", "close a"), log);
    log.clear();
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> driver.run(tryWithResources(driver, log, true)));
    assertEquals("inside", e.getMessage());
    assertEquals(List.of("open a", "open b", "close b", "close a"), log);
  }

  static Future<Integer> depth(Later.Driver d, int n) {
    if (n == 0) {
      return Future.ready(await(d.of(0)));
    }
    return Future.ready(1 + await(depth(d, n - 1)));
  }

  @Test
  void recursionFiveHundredDeepSuspendingAtTheBottom() {
    assertEquals(500, driver.run(depth(driver, 500)));
    assertEquals(1, driver.suspensions);
  }

  static Future<Integer> isEven(Later.Driver d, int n) {
    return n == 0 ? Future.ready(await(d.of(1)) == 1 ? 1 : 0) : Future.ready(await(isOdd(d, n - 1)));
  }

  static Future<Integer> isOdd(Later.Driver d, int n) {
    return n == 0 ? Future.ready(0) : Future.ready(await(isEven(d, n - 1)));
  }

  @Test
  void mutualRecursionBetweenAsyncMethods() {
    assertEquals(1, driver.run(isEven(driver, 500)));
    assertEquals(0, driver.run(isOdd(driver, 500)));
  }

  static Future<String> returnsAnotherFuture(Later.Driver d) {
    String first = await(d.of("first"));
    return d.of(first + " then tail");
  }

  @Test
  void returningAPendingFutureAwaitsIt() {
    assertEquals("first then tail", driver.run(returnsAnotherFuture(driver)));
    assertEquals(2, driver.suspensions);
  }
}
