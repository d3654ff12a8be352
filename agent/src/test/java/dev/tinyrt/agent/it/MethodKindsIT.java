// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tinyrt.Future;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Instance, generic, private, interface default and static methods, lambdas, overloads. */
class MethodKindsIT {

  final Later.Driver driver = new Later.Driver();

  interface Shop {
    String name();

    default Future<String> greet(Future<String> who) {
      return Future.ready(name() + " greets " + await(who));
    }

    static Future<Integer> twice(Future<Integer> x) {
      return Future.ready(await(x) + await(x));
    }
  }

  record Corner(String name) implements Shop {}

  @Test
  void interfaceDefaultAndStaticMethods() {
    assertEquals("corner greets you", driver.run(new Corner("corner").greet(driver.of("you"))));
    assertEquals(14, driver.run(Shop.twice(driver.of(7))));
  }

  static <T extends Comparable<T>> Future<T> max(Future<T> a, Future<T> b) {
    T x = await(a);
    T y = await(b);
    return Future.ready(x.compareTo(y) >= 0 ? x : y);
  }

  @Test
  void genericMethods() {
    assertEquals("pear", driver.run(max(driver.of("apple"), driver.of("pear"))));
    assertEquals(9, driver.run(max(driver.of(9), driver.of(3))));
  }

  private Future<String> secret(Future<String> x) {
    return Future.ready("private " + await(x));
  }

  @Test
  void privateInstanceMethods() {
    assertEquals("private s", driver.run(secret(driver.of("s"))));
  }

  @Test
  void lambdaBodies() {
    String suffix = "!";
    Function<Future<String>, Future<String>> shout = f -> Future.ready(await(f).toUpperCase() + suffix);
    Supplier<Future<Integer>> sum = () -> {
      int a = await(driver.of(20));
      int b = await(driver.of(22));
      return Future.ready(a + b);
    };
    assertEquals("HEY!", driver.run(shout.apply(driver.of("hey"))));
    assertEquals(42, driver.run(sum.get()));
  }

  static Future<String> over(Future<String> a) {
    return Future.ready("one " + await(a));
  }

  static Future<String> over(Future<String> a, Future<String> b) {
    return Future.ready("two " + await(a) + await(b));
  }

  static Future<String> over(Future<String> a, int n) {
    return Future.ready("int " + await(a) + n);
  }

  @Test
  void overloadedAsyncMethods() {
    assertEquals("one a", driver.run(over(driver.of("a"))));
    assertEquals("two ab", driver.run(over(driver.of("a"), driver.of("b"))));
    assertEquals("int a3", driver.run(over(driver.of("a"), 3)));
  }

  static final class Inner {
    static Future<List<String>> pair(Future<String> a) {
      return Future.ready(List.of(await(a), await(a)));
    }
  }

  @Test
  void nestedClasses() {
    assertEquals(List.of("x", "x"), driver.run(Inner.pair(driver.of("x"))));
  }

  static final class ReflectedBeforeInit {
    static Future<String> run(Future<String> a) {
      return Future.ready(await(a));
    }
  }

  @Test
  void reflectionBeforeTheHostIsInitializedDoesNotNeedTheFrameClass() throws Exception {
    Class<?> host = Class.forName(
        MethodKindsIT.class.getName() + "$ReflectedBeforeInit", false, getClass().getClassLoader());
    Method[] methods = host.getDeclaredMethods(); // resolves every parameter type
    assertEquals(2, methods.length, "the async method and its synthetic body");
    assertEquals("r", driver.run(ReflectedBeforeInit.run(driver.of("r"))));
  }
}
