// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A frame's reference fields are shared by its states, and the awaited future is one of them: the
 * field that holds the future at one await holds a kept value at another. Each test parks at every
 * await, checks which value sits in which field, and then checks that the body still sees the
 * right values, so a state that restores from the wrong field, or a field not cleared when its
 * await is over, fails here.
 */
class SharedSlotsIT {

  final Wakers.Counting waker = new Wakers.Counting();

  static Future<String> awaitedFieldThenKeptValue(Future<String> first, Future<String> second) {
    String a = await(first); // parks: L0 second (kept), L1 first (awaited)
    String b = a + "!";
    String c = await(second); // parks: L0 a, L1 b (kept), L2 second (awaited)
    return Future.ready(a + b + c);
  }

  @Test
  void theFieldOfOneAwaitedFutureHoldsAKeptValueAtTheNextAwait() throws Exception {
    Wakers.Gate<String> first = new Wakers.Gate<>();
    Wakers.Gate<String> second = new Wakers.Gate<>();
    Future<String> frame = awaitedFieldThenKeptValue(first, second);

    assertTrue(waker.poll(frame).isPending());
    assertEquals(slots(second, first, null), references(frame));

    first.complete("x");
    assertEquals(1, waker.count());
    assertTrue(waker.poll(frame).isPending());
    assertEquals(slots("x", "x!", second), references(frame));

    second.complete("y");
    assertEquals("xx!y", waker.poll(frame).get());
    assertEquals(slots(null, null, null), references(frame));
  }

  static Future<String> loopWithTryCatch(
      List<Future<String>> names, List<Future<Integer>> checks) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      String name = await(names.get(i)); // parks: L0 names, L1 checks, L2 out, L3 awaited
      try {
        int check = await(checks.get(i)); // parks: L0..L2, L3 name, L4 awaited
        out.append(name).append(check);
      } catch (IllegalStateException e) {
        out.append(name).append('!').append(e.getMessage());
      }
      out.append(';');
    }
    return Future.ready(out.toString());
  }

  @Test
  void inALoopWithTryCatchTheSameFieldAlternatesBetweenAnAwaitedFutureAndAKeptValue()
      throws Exception {
    List<Wakers.Gate<String>> names = new ArrayList<>();
    List<Wakers.Gate<Integer>> checks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      names.add(new Wakers.Gate<>());
      checks.add(new Wakers.Gate<>());
    }
    Future<String> frame = loopWithTryCatch(List.copyOf(names), List.copyOf(checks));

    for (int i = 0; i < 3; i++) {
      // Parked at the first await: L3 holds the awaited name future, L4 nothing.
      assertTrue(waker.poll(frame).isPending());
      Map<String, Object> parked = references(frame);
      assertSame(names.get(i), parked.get("L3"), "iteration " + i + ": " + parked);
      assertEquals(null, parked.get("L4"), "iteration " + i + ": " + parked);
      names.get(i).complete("n" + i);

      // Parked at the second, inside try: L3 holds the name, L4 the awaited check future.
      assertTrue(waker.poll(frame).isPending());
      parked = references(frame);
      assertEquals("n" + i, parked.get("L3"), "iteration " + i + ": " + parked);
      assertSame(checks.get(i), parked.get("L4"), "iteration " + i + ": " + parked);
      if (i == 1) {
        checks.get(i).fail(new IllegalStateException("bad"));
      } else {
        checks.get(i).complete(10 * i);
      }
    }
    assertEquals("n00;n1!bad;n220;", waker.poll(frame).get());
    assertEquals(6, waker.count());
    references(frame).forEach((field, value) -> assertEquals(null, value, field));
  }

  static Future<String> operandTakesAnAwaitedField(
      Future<String> a, Future<String> b, Future<String> c) {
    String x = await(a); // parks: L0 b, L1 c (kept), L2 a (awaited)
    String y = x + await(b) + x; // parks: L0 c, L1 x (kept), L2 x (an operand), L3 b (awaited)
    return Future.ready(y + await(c)); // parks: L0 y (an operand), L1 c (awaited)
  }

  @Test
  void anOperandOnTheStackTakesTheFieldAnEarlierAwaitedFutureUsed() throws Exception {
    Wakers.Gate<String> a = new Wakers.Gate<>();
    Wakers.Gate<String> b = new Wakers.Gate<>();
    Wakers.Gate<String> c = new Wakers.Gate<>();
    Future<String> frame = operandTakesAnAwaitedField(a, b, c);

    assertTrue(waker.poll(frame).isPending());
    assertEquals(slots(b, c, a, null), references(frame));
    a.complete("A");

    assertTrue(waker.poll(frame).isPending());
    assertEquals(slots(c, "A", "A", b), references(frame));
    b.complete("B");

    assertTrue(waker.poll(frame).isPending());
    assertEquals(slots("ABA", c, null, null), references(frame));
    c.complete("C");

    assertEquals("ABAC", waker.poll(frame).get());
    assertEquals(slots(null, null, null, null), references(frame));
    assertEquals(3, waker.count());
  }

  /** The expected {@code L0, L1, ...} fields of a frame. */
  static Map<String, Object> slots(Object... values) {
    Map<String, Object> expected = new TreeMap<>();
    for (int i = 0; i < values.length; i++) {
      expected.put("L" + i, values[i]);
    }
    return expected;
  }

  /** The frame's reference fields ({@code L0}, {@code L1}, ...) and what they hold. */
  static Map<String, Object> references(Future<?> frame) throws ReflectiveOperationException {
    Map<String, Object> fields = new TreeMap<>();
    for (Field f : frame.getClass().getDeclaredFields()) {
      if (f.getName().matches("L\\d+")) {
        f.setAccessible(true);
        fields.put(f.getName(), f.get(frame));
      }
    }
    return fields;
  }
}
