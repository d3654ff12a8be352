// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EA Async's mode: methods declared to return {@code CompletableFuture}, a subclass of it, or
 * {@code CompletionStage} that call {@code Async.await}, compiled from source here, rewritten and
 * loaded by a custom class loader (which checks every rewritten class with {@code
 * CheckClassAdapter}) that serves the class files the hierarchy is read from, then run: eager
 * start, resume on the completing thread, outcome, subclasses, the default package, lambdas, the
 * hard shapes of the rewrite, and the refusals.
 */
class EaModeRewriteTest {

  static final String SHOP = """
      package ea;
      import static dev.tinyrt.Async.await;
      import java.util.ArrayList;
      import java.util.List;
      import java.util.concurrent.CompletableFuture;
      import java.util.concurrent.CompletionStage;
      import java.util.function.Supplier;
      public class Shop {
        public static final List<String> LOG = new ArrayList<>();
        static synchronized void log(String s) { LOG.add(s + " on " + Thread.currentThread().getName()); }

        public static CompletableFuture<Integer> total(CompletableFuture<Integer> a, CompletionStage<Integer> b) {
          log("start");
          int x = await(a);
          log("after a");
          int y = await(b);
          log("after b");
          return CompletableFuture.completedFuture(x + y);
        }

        public static CompletionStage<String> failing(CompletableFuture<String> a) throws Exception {
          String s = await(a);
          throw new java.io.IOException("no " + s);
        }

        public static CompletableFuture<String> catching(CompletableFuture<String> a) {
          try {
            return CompletableFuture.completedFuture("got " + await(a));
          } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture("caught " + e.getMessage());
          } finally {
            log("finally");
          }
        }

        public static Task<String> task(CompletableFuture<String> a) {
          return Task.done(await(a) + "!");
        }

        public static CompletableFuture<String> tail(CompletableFuture<String> a, CompletableFuture<String> b) {
          String s = await(a);
          return b.thenApply(t -> s + t);
        }

        public static CompletableFuture<Object> returnsNull(CompletableFuture<String> a) {
          await(a);
          return null;
        }

        public static CompletableFuture<String> tinyrtFuture(dev.tinyrt.Future<String> f) {
          return CompletableFuture.completedFuture("tinyrt " + await(f));
        }

        static String join3(String a, long b, double c) { return a + b + c; }
        record Point(int x, int y) {}

        public static CompletableFuture<String> shapes(CompletableFuture<Integer> i, CompletableFuture<Long> l, CompletableFuture<Double> d) {
          String s = join3("s", await(l), await(d));      // operands on the stack, two-slot values
          Point p = new Point(await(i), await(i) + 1);     // NEW/DUP under the awaits
          long sum = 0;
          for (int k = 0; k < 3; k++) {                    // a loop
            sum += await(l);
          }
          int[] arr = {await(i), 2, await(i)};             // an array initializer
          String sw = switch (await(i)) { case 7 -> "seven"; default -> "other"; };
          return CompletableFuture.completedFuture(s + " " + p + " " + sum + " " + arr[0] + arr[2] + " " + sw);
        }

        public static Supplier<CompletionStage<Integer>> lambda(CompletableFuture<Integer> a) {
          return () -> CompletableFuture.completedFuture(await(a) * 2);
        }

        private final int base;
        public Shop(int base) { this.base = base; }

        public <T> CompletableFuture<String> instance(CompletableFuture<T> a) {
          T t = await(a);
          return CompletableFuture.completedFuture(base + ":" + t);
        }

        public static CompletableFuture<String> locked(Object lock, CompletableFuture<String> a) {
          synchronized (lock) {
            return CompletableFuture.completedFuture(await(a));
          }
        }

        public static NoConstructor noConstructor(CompletableFuture<String> a) {
          await(a);
          return null;
        }
      }
      """;

  static final String TASK = """
      package ea;
      import java.util.concurrent.CompletableFuture;
      /** EA Async's own Task is such a subclass. */
      public class Task<T> extends CompletableFuture<T> {
        public static <T> Task<T> done(T value) {
          Task<T> t = new Task<>();
          t.complete(value);
          return t;
        }
      }
      """;

  static final String NO_CONSTRUCTOR = """
      package ea;
      import java.util.concurrent.CompletableFuture;
      public class NoConstructor extends CompletableFuture<String> {
        public NoConstructor(String unused) {}
      }
      """;

  static final String GREETER = """
      package ea;
      import static dev.tinyrt.Async.await;
      import java.util.concurrent.CompletableFuture;
      public interface Greeter {
        default CompletableFuture<String> greet(CompletableFuture<String> name) {
          return CompletableFuture.completedFuture("hello " + await(name));
        }
      }
      """;

  static final String DEFAULT_PACKAGE = """
      import static dev.tinyrt.Async.await;
      import java.util.concurrent.CompletableFuture;
      public class NoPackage {
        public static CompletableFuture<String> twice(CompletableFuture<String> a) {
          String s = await(a);
          return CompletableFuture.completedFuture(s + s);
        }
      }
      """;

  static RewritingClassLoader loader;

  @BeforeAll
  static void compile() {
    Map<String, byte[]> classes = InMemoryJavac.compile(
        Map.of(
            "ea/Shop.java", SHOP,
            "ea/Task.java", TASK,
            "ea/NoConstructor.java", NO_CONSTRUCTOR,
            "ea/Greeter.java", GREETER,
            "NoPackage.java", DEFAULT_PACKAGE),
        List.of("--release", "17", "-g"));
    loader = new RewritingClassLoader(classes, ClassRewriter.Options.DEFAULT);
  }

  @SuppressWarnings("unchecked")
  static <T> T call(String className, String method, Object receiver, Object... args)
      throws Throwable {
    Class<?> c = loader.loadClass(className);
    for (Method m : c.getMethods()) {
      if (m.getName().equals(method) && m.getParameterCount() == args.length) {
        try {
          return (T) m.invoke(receiver, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      }
    }
    throw new AssertionError("no method " + method);
  }

  @SuppressWarnings("unchecked")
  static List<String> log() throws Exception {
    return (List<String>) loader.loadClass("ea.Shop").getField("LOG").get(null);
  }

  /** Completes {@code stage} with {@code value} on a new thread named {@code name}, and joins it. */
  static <T> void completeOn(String name, CompletableFuture<T> stage, T value)
      throws InterruptedException {
    Thread t = new Thread(() -> stage.complete(value), name);
    t.start();
    t.join();
  }

  @Test
  void theBodyStartsOnTheCallingThreadAndResumesOnTheCompletingOne() throws Throwable {
    log().clear();
    CompletableFuture<Integer> a = new CompletableFuture<>();
    CompletableFuture<Integer> b = new CompletableFuture<>();
    String caller = Thread.currentThread().getName();

    CompletableFuture<Integer> total = call("ea.Shop", "total", null, a, b);

    // Eager: the body ran up to its first await of an incomplete stage before the call returned.
    assertEquals(List.of("start on " + caller), log());
    assertFalse(total.isDone());
    completeOn("completer-a", a, 40);
    assertEquals(List.of("start on " + caller, "after a on completer-a"), log());
    assertFalse(total.isDone());
    completeOn("completer-b", b, 2);
    assertEquals("after b on completer-b", log().get(2));
    assertEquals(42, total.join());
  }

  @Test
  void completedStagesRunTheWholeBodyBeforeTheCallReturns() throws Throwable {
    log().clear();
    CompletableFuture<Integer> total = call(
        "ea.Shop", "total", null,
        CompletableFuture.completedFuture(1), CompletableFuture.completedFuture(2));
    assertTrue(total.isDone());
    assertEquals(3, total.join());
    assertEquals(3, log().size());
  }

  @Test
  void theFutureFailsWithTheBodysOwnExceptionUnwrapped() throws Throwable {
    CompletableFuture<String> a = new CompletableFuture<>();
    CompletionStage<String> failing = call("ea.Shop", "failing", null, a);
    a.complete("way");
    CompletionException e = assertThrows(
        CompletionException.class, () -> failing.toCompletableFuture().join());
    assertInstanceOf(java.io.IOException.class, e.getCause());
    assertEquals("no way", e.getCause().getMessage());
  }

  @Test
  void aFailedStageThrowsItsOwnExceptionAtTheAwait() throws Throwable {
    log().clear();
    CompletableFuture<String> a = new CompletableFuture<>();
    CompletableFuture<String> caught = call("ea.Shop", "catching", null, a);
    a.completeExceptionally(new IllegalArgumentException("bad"));
    assertEquals("caught bad", caught.join());
    assertEquals(1, log().size()); // the finally ran once
  }

  @Test
  void aSubclassReturnTypeGetsAnInstanceOfThatSubclass() throws Throwable {
    CompletableFuture<String> a = new CompletableFuture<>();
    CompletableFuture<String> task = call("ea.Shop", "task", null, a);
    assertSame(loader.loadClass("ea.Task"), task.getClass());
    a.complete("done");
    assertEquals("done!", task.join());
  }

  @Test
  void aReturnedStageThatIsNotDoneIsAwaited() throws Throwable {
    CompletableFuture<String> a = new CompletableFuture<>();
    CompletableFuture<String> b = new CompletableFuture<>();
    CompletableFuture<String> tail = call("ea.Shop", "tail", null, a, b);
    a.complete("x");
    assertFalse(tail.isDone());
    b.complete("y");
    assertEquals("xy", tail.join());
  }

  @Test
  void returningNullCompletesWithNull() throws Throwable {
    CompletableFuture<String> a = new CompletableFuture<>();
    CompletableFuture<Object> f = call("ea.Shop", "returnsNull", null, a);
    a.complete("x");
    assertTrue(f.isDone());
    assertEquals(null, f.join());
  }

  @Test
  void aTinyrtFutureCanBeAwaitedToo() throws Throwable {
    CompletableFuture<String> f = call("ea.Shop", "tinyrtFuture", null, dev.tinyrt.Future.ready("f"));
    assertEquals("tinyrt f", f.join());
  }

  @Test
  void theRewritesHardShapesWorkInThisMode() throws Throwable {
    CompletableFuture<Integer> i = new CompletableFuture<>();
    CompletableFuture<Long> l = new CompletableFuture<>();
    CompletableFuture<Double> d = new CompletableFuture<>();
    CompletableFuture<String> shapes = call("ea.Shop", "shapes", null, i, l, d);
    l.complete(5L);
    assertFalse(shapes.isDone());
    d.complete(0.5);
    i.complete(7);
    assertEquals("s50.5 Point[x=7, y=8] 15 77 seven", shapes.join());
  }

  @Test
  void aLambdaReturningCompletionStageIsRewritten() throws Throwable {
    CompletableFuture<Integer> a = new CompletableFuture<>();
    Supplier<CompletionStage<Integer>> lambda = call("ea.Shop", "lambda", null, a);
    CompletionStage<Integer> doubled = lambda.get();
    a.complete(21);
    assertEquals(42, doubled.toCompletableFuture().join());
  }

  @Test
  void instanceGenericAndInterfaceDefaultMethods() throws Throwable {
    Object shop = loader.loadClass("ea.Shop").getConstructor(int.class).newInstance(3);
    CompletableFuture<String> a = new CompletableFuture<>();
    CompletableFuture<String> instance = call("ea.Shop", "instance", shop, a);
    a.complete("t");
    assertEquals("3:t", instance.join());

    Class<?> greeter = loader.loadClass("ea.Greeter");
    Object g = java.lang.reflect.Proxy.newProxyInstance(
        loader, new Class<?>[] {greeter}, (proxy, m, args) -> {
          return java.lang.reflect.InvocationHandler.invokeDefault(proxy, m, args);
        });
    CompletableFuture<String> name = new CompletableFuture<>();
    CompletableFuture<String> greeting = call("ea.Greeter", "greet", g, name);
    name.complete("you");
    assertEquals("hello you", greeting.join());
  }

  @Test
  void theDefaultPackage() throws Throwable {
    CompletableFuture<String> a = new CompletableFuture<>();
    CompletableFuture<String> twice = call("NoPackage", "twice", null, a);
    a.complete("ab");
    assertEquals("abab", twice.join());
  }

  @Test
  void aMonitorHeldAcrossAnAwaitIsRefusedWithTheSameMessage() throws Throwable {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> call("ea.Shop", "locked", null, new Object(), new CompletableFuture<String>()));
    assertTrue(e.getMessage().contains("a monitor (synchronized block) is held across "
        + "Async.await"), e.getMessage());
    assertTrue(e.getMessage().contains("Shop.java:"), e.getMessage());
  }

  @Test
  void aSubclassWithoutANoArgumentConstructorIsRefusedAtLoad() throws Throwable {
    loader.loadClass("ea.Shop");
    List<String> refusals = loader.outcomes.get("ea.Shop").refusals();
    assertEquals(2, refusals.size(), refusals.toString()); // locked, noConstructor
    String refusal = refusals.stream().filter(r -> r.contains("noConstructor")).findFirst().orElseThrow();
    assertTrue(refusal.contains("it returns ea.NoConstructor, a subclass of CompletableFuture"), refusal);
    assertTrue(refusal.contains("it has no no-argument constructor"), refusal);
    assertTrue(refusal.contains("Give NoConstructor a public no-argument constructor"), refusal);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> call("ea.Shop", "noConstructor", null, new CompletableFuture<String>()));
    assertEquals(refusal, e.getMessage());
  }
}
