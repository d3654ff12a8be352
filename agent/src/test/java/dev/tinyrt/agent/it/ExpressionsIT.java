// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tinyrt.Future;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Awaits anywhere in an expression: the operand stack below them is stored and restored. */
class ExpressionsIT {

  final Later.Driver driver = new Later.Driver();

  static String join(String a, long b, String c, double d) {
    return a + "|" + b + "|" + c + "|" + d;
  }

  static Future<String> inMethodArguments(Future<Long> x, Future<String> y) {
    return Future.ready(join("left", await(x), await(y), 2.5));
  }

  @Test
  void methodArguments() {
    assertEquals("left|7|right|2.5", driver.run(inMethodArguments(driver.of(7L), driver.of("right"))));
    assertEquals(2, driver.suspensions);
  }

  static Future<Double> inArithmetic(long a, Future<Long> x, double b, Future<Double> y) {
    return Future.ready(a * await(x) + b / await(y) - (a - await(x)));
  }

  @Test
  void arithmeticWithTwoSlotOperandsBelow() {
    assertEquals(3L * 4 + 9.0 / 2.0 - (3 - 4), driver.run(inArithmetic(3, driver.of(4L), 9.0, driver.of(2.0))));
  }

  static Future<String> inStringConcatenation(int n, Future<String> x, Future<Character> c) {
    return Future.ready("n=" + n + ", x=" + await(x) + ", c=" + await(c) + ", end");
  }

  @Test
  void stringConcatenation() {
    assertEquals("n=3, x=abc, c=z, end", driver.run(inStringConcatenation(3, driver.of("abc"), driver.of('z'))));
  }

  static Future<int[]> inArrayInitializer(Future<Integer> x) {
    int[] a = {1, await(x), 3, await(x) * 2};
    return Future.ready(a);
  }

  @Test
  void arrayInitializer() {
    assertArrayEquals(new int[] {1, 5, 3, 10}, driver.run(inArrayInitializer(driver.of(5))));
  }

  static Future<String> inTernaries(boolean pick, Future<String> a, Future<String> b) {
    String first = pick ? await(a) : await(b);
    String second = (!pick ? await(a) : "none") + (pick ? "!" : await(b));
    return Future.ready(first + "/" + second);
  }

  @Test
  void ternaries() {
    assertEquals("A/none!", driver.run(inTernaries(true, driver.of("A"), driver.of("B"))));
    assertEquals("B/AB", driver.run(inTernaries(false, driver.of("A"), driver.of("B"))));
  }

  static Future<String> inSwitches(int n, Future<String> x) {
    String s;
    switch (n) {
      case 1:
        s = "one:" + await(x);
        break;
      case 2:
        s = await(x) + ":two";
        break;
      default:
        s = "other";
    }
    String t = switch (await(x)) {
      case "v" -> "vee" + n;
      default -> "?" + n;
    };
    return Future.ready(s + "," + t);
  }

  @Test
  void switchStatementsAndExpressions() {
    assertEquals("one:v,vee1", driver.run(inSwitches(1, driver.of("v"))));
    assertEquals("v:two,vee2", driver.run(inSwitches(2, driver.of("v"))));
    assertEquals("other,?3", driver.run(inSwitches(3, driver.of("w"))));
  }

  record Point(long x, long y) {}

  record Line(Point from, Point to, String name) {}

  static Future<Point> inConstructorArguments(Future<Long> x, Future<Long> y) {
    return Future.ready(new Point(await(x), await(y)));
  }

  @Test
  void constructorArgumentsWithAnUninitializedObjectOnTheStack() {
    assertEquals(new Point(3, 4), driver.run(inConstructorArguments(driver.of(3L), driver.of(4L))));
  }

  static Future<Line> inNestedConstructors(boolean flag, Future<Long> a, Future<String> n) {
    Line line = new Line(
        new Point(await(a), flag ? 1 : await(a)),
        new Point(2, flag ? await(a) : 0),
        "line " + await(n));
    return Future.ready(line);
  }

  @Test
  void nestedConstructorsWithBranchesInTheirArguments() {
    assertEquals(
        new Line(new Point(9, 1), new Point(2, 9), "line L"),
        driver.run(inNestedConstructors(true, driver.of(9L), driver.of("L"))));
    assertEquals(
        new Line(new Point(9, 9), new Point(2, 0), "line M"),
        driver.run(inNestedConstructors(false, driver.of(9L), driver.of("M"))));
  }

  static Future<String> ofCompletionStages(CompletableFuture<String> done, CompletableFuture<Integer> later) {
    String a = await(done);
    int b = await(later);
    return Future.ready(a + b);
  }

  @Test
  void completionStages() {
    CompletableFuture<Integer> later = new CompletableFuture<>();
    Future<String> f = ofCompletionStages(CompletableFuture.completedFuture("x"), later);
    Wakers.Counting waker = new Wakers.Counting();
    assertEquals(true, waker.poll(f).isPending());
    later.complete(5);
    assertEquals(1, waker.count());
    assertEquals("x5", waker.poll(f).get());
  }

  static Future<String> awaitedResultDiscardedAndCast(Future<Object> x, Future<String> y) {
    await(x);
    Object o = await(y);
    return Future.ready(((String) o).toUpperCase() + Arrays.asList(1, 2));
  }

  @Test
  void resultsDiscardedOrCast() {
    assertEquals("Y[1, 2]", driver.run(awaitedResultDiscardedAndCast(driver.of(new Object()), driver.of("y"))));
  }
}
