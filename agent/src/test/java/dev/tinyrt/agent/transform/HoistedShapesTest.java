// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;

/**
 * Shapes that meet hoisted locals ({@code codegen/HoistedLocals}) in a way of their own. Constructor
 * hoisting ({@code codegen/ConstructorHoisting}): a {@code new T(...)} whose arguments await has
 * its {@code NEW}/{@code DUP} moved after the arguments, into fresh locals that hoisting then turns
 * into frame fields. And a {@code long} or {@code double} on the operand stack under the awaited
 * future (found by the fuzzer): that state has something to save although the future takes the
 * first reference field, so it must not share the parking code of states with an empty stack. Each
 * method is rewritten with locals hoisted and without, checked, loaded, and run with every await
 * really suspending; both must give what the plain Java gives.
 */
class HoistedShapesTest {

  /** The class under test, by rewrite: hoisted locals, then saved at each await. */
  static final Map<Boolean, Class<?>> LOADED = new java.util.HashMap<>();

  /** The frame classes of the hoisted rewrite, by internal name. */
  static Map<String, byte[]> hoistedFrames;

  static final String SOURCE = """
      package p;

      import static dev.tinyrt.Async.await;

      import dev.tinyrt.Context;
      import dev.tinyrt.Future;
      import dev.tinyrt.Poll;
      import dev.tinyrt.Waker;

      public class Builds {
        /** Pending on the first poll, ready with its value (or failing) on the second. */
        static final class Later<T> implements Future<T> {
          final T value; final RuntimeException failure; boolean polled;
          Later(T value, RuntimeException failure) { this.value = value; this.failure = failure; }
          public Poll<T> poll(Context cx) {
            if (!polled) { polled = true; cx.waker().wake(); return Poll.pending(); }
            if (failure != null) throw failure;
            return Poll.ready(value);
          }
        }

        static <T> Later<T> later(T value) { return new Later<>(value, null); }

        static <T> Later<T> failing(String message) {
          return new Later<>(null, new IllegalArgumentException(message));
        }

        record Pair(Object left, Object right) {}

        record Wide(long before, String middle, double after, int last) {}

        static String drive(Future<?> f) {
          Context cx = Context.from(Waker.noop());
          int pending = 0;
          while (true) {
            Poll<?> poll = f.poll(cx);
            if (poll.isReady()) return poll.get() + " after " + pending + " pending";
            pending++;
          }
        }

        static Future<Pair> pair() {
          return Future.ready(new Pair(await(later("a")), await(later("b"))));
        }

        static Future<Wide> twoSlotArguments(long base) {
          String kept = "k";
          Wide w = new Wide(base + 1, kept + await(later("m")), 0.5 * await(later(4)), await(later(7)));
          return Future.ready(w);
        }

        static Future<Pair> nested() {
          return Future.ready(
              new Pair(new Pair(await(later(1)), new StringBuilder(await(later("sb")))), await(later(2))));
        }

        static Future<String> inALoopWithCatch(int n) {
          StringBuilder out = new StringBuilder();
          for (int i = 0; i < n; i++) {
            try {
              Pair p = new Pair(i, await(i % 2 == 0 ? later("ok" + i) : failing("no" + i)));
              out.append(p.right());
            } catch (IllegalArgumentException e) {
              out.append(e.getMessage());
            }
            out.append(',');
          }
          return Future.ready(out.toString());
        }

        static Future<Integer> twoSlotOperandsUnderTheAwait(long base) {
          int narrowed = (int) (0L + await(later(base)));
          return Future.ready(narrowed + (int) (0.5 * await(later(4.0))));
        }

        public static String pairRun() { return drive(pair()); }
        public static String twoSlotArgumentsRun() { return drive(twoSlotArguments(40L)); }
        public static String nestedRun() { return drive(nested()); }
        public static String inALoopWithCatchRun() { return drive(inALoopWithCatch(4)); }
        public static String twoSlotOperandsUnderTheAwaitRun() {
          return drive(twoSlotOperandsUnderTheAwait(40L));
        }
      }
      """;

  @BeforeAll
  static void compileAndRewriteBothWays() throws Exception {
    Map<String, byte[]> classes =
        InMemoryJavac.compile(Map.of("p/Builds.java", SOURCE), List.of("--release", "17", "-g"));
    for (boolean hoist : new boolean[] {true, false}) {
      RewritingClassLoader loader =
          new RewritingClassLoader(classes, new ClassRewriter.Options(false, hoist));
      LOADED.put(hoist, loader.loadClass("p.Builds"));
      ClassRewriter.Outcome outcome = loader.outcomes.get("p.Builds");
      assertEquals(List.of(), outcome.refusals());
      if (hoist) {
        hoistedFrames = outcome.frames();
      }
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("pair", "Pair[left=a, right=b] after 2 pending"),
        Arguments.of("twoSlotArguments", "Wide[before=41, middle=km, after=2.0, last=7] after 3 pending"),
        Arguments.of("nested", "Pair[left=Pair[left=1, right=sb], right=2] after 3 pending"),
        Arguments.of("inALoopWithCatch", "ok0,no1,ok2,no3, after 4 pending"),
        Arguments.of("twoSlotOperandsUnderTheAwait", "42 after 2 pending"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void runsTheSameWithHoistedLocalsAndWithout(String method, String expected)
      throws Exception {
    assertEquals(expected, LOADED.get(true).getMethod(method + "Run").invoke(null));
    assertEquals(expected, LOADED.get(false).getMethod(method + "Run").invoke(null));

    // The hoisted form really hoisted: locals (the constructors' temporaries among them) are in
    // frame fields named by kind and slot (J$4, L$5).
    ClassNode frame = new ClassNode();
    new ClassReader(hoistedFrames.get("p/Builds$" + method + "-Frame")).accept(frame, 0);
    List<String> names = frame.fields.stream().map((FieldNode f) -> f.name).toList();
    assertTrue(names.stream().anyMatch(n -> n.contains("$")), "no hoisted field in " + names);
    assertFalse(names.contains("awaited"), names.toString());
  }
}
