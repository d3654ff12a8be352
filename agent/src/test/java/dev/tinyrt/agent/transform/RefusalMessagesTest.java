// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each refusal gives the advice that fits its case: an await in a constructor, in a lambda handed
 * to forEach or a stream, and {@code Async::await} as a method reference, each reported at load
 * with its line, and thrown by the method when it runs; the class's async method still works.
 */
class RefusalMessagesTest {

  static final String SOURCE = """
      package p;

      import static dev.tinyrt.Async.await;

      import dev.tinyrt.Async;
      import dev.tinyrt.Context;
      import dev.tinyrt.Future;
      import dev.tinyrt.Waker;
      import java.util.ArrayList;
      import java.util.List;

      public class Misuse {
        final int value;

        Misuse(Future<Integer> f) {
          value = await(f); // CONSTRUCTOR
        }

        static Future<Integer> forEachLambda(List<Future<Integer>> futures) {
          List<Integer> out = new ArrayList<>();
          futures.forEach(f -> out.add(await(f))); // FOR-EACH
          return Future.ready(out.size());
        }

        static Future<Integer> streamReference(List<Future<Integer>> futures) {
          return Future.ready(futures.stream().map(Async::await).mapToInt(i -> i).sum()); // REFERENCE
        }

        static Future<Integer> fine(Future<Integer> f) {
          return Future.ready(await(f) + 1);
        }

        public static Object construct() { return new Misuse(Future.ready(1)); }
        public static Object forEachRun() { return forEachLambda(List.of(Future.ready(1))).poll(Context.from(Waker.noop())); }
        public static Object referenceRun() { return streamReference(List.of(Future.ready(1))); }
        public static Object fineRun() { return fine(Future.ready(1)).poll(Context.from(Waker.noop())).get(); }
      }
      """;

  static Class<?> misuse;

  static List<String> refusals;

  @BeforeAll
  static void load() throws Exception {
    Map<String, byte[]> classes =
        InMemoryJavac.compile(Map.of("p/Misuse.java", SOURCE), List.of("--release", "17", "-g"));
    RewritingClassLoader loader = new RewritingClassLoader(classes, ClassRewriter.Options.DEFAULT);
    misuse = loader.loadClass("p.Misuse");
    refusals = loader.outcomes.get("p.Misuse").refusals();
  }

  static int lineOf(String marker) {
    String[] lines = SOURCE.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(marker)) {
        return i + 1;
      }
    }
    throw new AssertionError(marker);
  }

  /** The refusal reported at {@code marker}'s line; also what running {@code runner} throws. */
  static String refusalAt(String marker, String runner) {
    String at = "(Misuse.java:" + lineOf(marker) + ")";
    List<String> matching = refusals.stream().filter(r -> r.contains(at)).toList();
    assertEquals(1, matching.size(), "one refusal at " + at + " in " + refusals);
    InvocationTargetException thrown = assertThrows(
        InvocationTargetException.class, () -> misuse.getMethod(runner).invoke(null));
    assertEquals(IllegalStateException.class, thrown.getCause().getClass());
    assertEquals(matching.get(0), thrown.getCause().getMessage());
    return matching.get(0);
  }

  @Test
  void anAwaitInAConstructorSaysToMoveItIntoAnAsyncFactory() {
    String refusal = refusalAt("// CONSTRUCTOR", "construct");
    assertTrue(refusal.startsWith("tinyrt cannot rewrite p.Misuse.<init> "), refusal);
    assertTrue(refusal.contains("a constructor cannot suspend"), refusal);
    assertTrue(refusal.contains("async factory method"), refusal);
  }

  @Test
  void anAwaitInAForEachLambdaSaysToUseALoopOrReturnAFuture() {
    String refusal = refusalAt("// FOR-EACH", "forEachRun");
    assertTrue(refusal.contains("a lambda calls Async.await but returns void"), refusal);
    assertTrue(refusal.contains("for loop"), refusal);
    assertTrue(refusal.contains("make the lambda return a Future"), refusal);
  }

  @Test
  void awaitAsAMethodReferenceIsRefusedAtLoadWithItsLine() {
    String refusal = refusalAt("// REFERENCE", "referenceRun");
    assertTrue(refusal.startsWith("tinyrt cannot rewrite p.Misuse.streamReference "), refusal);
    assertTrue(refusal.contains("Async::await as a method reference"), refusal);
    assertTrue(refusal.contains("Futures.joinAll"), refusal);
  }

  @Test
  void theClassesAsyncMethodStillWorks() throws Exception {
    assertEquals(2, misuse.getMethod("fineRun").invoke(null));
    assertEquals(3, refusals.size(), refusals.toString());
  }
}
