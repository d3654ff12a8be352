// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tinyrt.Future;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kind of value, in a local, an argument or {@code this}, survives a real suspension. */
class ValuesSurviveAwaitsIT {

  final Later.Driver driver = new Later.Driver();

  static Future<String> primitives(
      boolean z, byte b, char c, short s, int i, long j, float f, double d, Future<Integer> x) {
    long before = j * 2;
    double half = d / 2;
    int got = await(x);
    return Future.ready(z + " " + b + " " + c + " " + s + " " + i + " " + j + " " + f + " " + d
        + " " + before + " " + half + " " + got);
  }

  @Test
  void everyPrimitiveTypeSurvives() {
    String result = driver.run(primitives(
        true, (byte) -7, 'q', (short) 300, 123456, Long.MAX_VALUE - 1, 1.5f, Math.PI,
        driver.of(42)));
    assertEquals(
        "true -7 q 300 123456 9223372036854775806 1.5 " + Math.PI + " -4 " + Math.PI / 2 + " 42",
        result);
    assertEquals(1, driver.suspensions);
  }

  static Future<long[]> twoSlotValuesAroundAwaits(Future<Long> a, Future<Double> b) {
    long x = 1L << 40;
    double y = -0.25;
    long first = await(a);
    x += first;
    double second = await(b);
    y *= second;
    long z = x + await(a == null ? null : Future.ready(3L));
    return Future.ready(new long[] {x, Double.doubleToLongBits(y), z});
  }

  @Test
  void longsAndDoublesKeepBothHalves() {
    long[] r = driver.run(twoSlotValuesAroundAwaits(driver.of(5L), driver.of(8.0)));
    assertArrayEquals(new long[] {(1L << 40) + 5, Double.doubleToLongBits(-2.0), (1L << 40) + 8}, r);
  }

  static Future<String> referencesAndArrays(Future<String> name) {
    int[] counts = {1, 2, 3};
    String[][] grid = {{"a"}, {"b", "c"}};
    List<String> list = List.of("x", "y");
    Object nothing = null;
    String got = await(name);
    counts[1] += got.length();
    return Future.ready(counts[1] + grid[1][1] + list.get(1) + nothing + got);
  }

  @Test
  void referencesArraysAndNullSurvive() {
    assertEquals("7cynullhello", driver.run(referencesAndArrays(driver.of("hello"))));
  }

  private final String prefix = "this:";
  private int counter;

  Future<String> usesThis(Future<Integer> step) {
    counter += await(step);
    counter += await(step);
    return Future.ready(prefix + counter);
  }

  @Test
  void thisSurvives() {
    ValuesSurviveAwaitsIT target = new ValuesSurviveAwaitsIT();
    Later<Integer> step = driver.of(5);
    assertEquals("this:10", driver.run(target.usesThis(step)));
    assertEquals(10, target.counter);
  }

  static Future<Integer> readsItsArgumentOnFirstPoll(int[] box, Future<Integer> x) {
    int seen = box[0];
    return Future.ready(seen + await(x));
  }

  @Test
  void theBodyRunsOnTheFirstPollWithTheArgumentsOfTheCall() {
    int[] box = {1};
    int[] other = {1000};
    Future<Integer> f = readsItsArgumentOnFirstPoll(box, driver.of(10));
    box[0] = 100; // the body has not run yet: it will read this
    box = other; // the frame holds the array it was given, not this variable
    assertEquals(110, driver.run(f));
  }
}
