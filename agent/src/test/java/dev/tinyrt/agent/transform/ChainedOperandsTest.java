// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Awaits whose operands share the stack under them ({@code codegen/OperandChains}): their
 * suspensions store only the operands each adds and jump down the chain, one resume block pushes
 * the chain's operands and stops at the frame's state. Each method mixes the kinds a field holds
 * ({@code long}, {@code double}, {@code float}, {@code int}, a {@code null}, references), reaches
 * a chained await by a path that skips the one before it, or throws at a chained await into a
 * {@code catch}; each is rewritten with locals hoisted and without, checked, loaded, and run with
 * every await really suspending, and must give what plain Java gives.
 */
class ChainedOperandsTest {

  /** The class under test, by rewrite: hoisted locals, then saved at each await. */
  static final Map<Boolean, Class<?>> LOADED = new HashMap<>();

  /** The class rewritten with trace events, which keeps each await's save and restore whole. */
  static Class<?> traced;

  /** Its rewritten class file. */
  static byte[] tracedBytes;

  /** Its rewritten class file, saved-locals rewrite. */
  static byte[] rewritten;

  static final String SOURCE = """
      package p;

      import static dev.tinyrt.Async.await;

      import dev.tinyrt.Context;
      import dev.tinyrt.Future;
      import dev.tinyrt.Poll;
      import dev.tinyrt.Waker;

      public class Chains {
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

        static String drive(Future<?> f) {
          Context cx = Context.from(Waker.noop());
          int pending = 0;
          while (true) {
            Poll<?> poll = f.poll(cx);
            if (poll.isReady()) return poll.get() + " after " + pending + " pending";
            pending++;
          }
        }

        static String join(long a, int b, double c, float d, Object e, String f, long g, char h) {
          return a + "|" + b + "|" + c + "|" + d + "|" + e + "|" + f + "|" + g + "|" + h;
        }

        /** Awaits 3 to 5 chain: each adds a float, a null and a String, a long. */
        static Future<String> mixedKinds(long l) {
          return Future.ready(join(l, await(later(1)), 2.5 + await(later(0.5)), await(later(3f)),
              null, await(later("x")), l + await(later(4L)), 'c'));
        }

        /** The second await extends the first, which the false branch never reaches. */
        static Future<String> chainEnteredPastItsFirstAwait(boolean b, String a) {
          int n = 7;
          return Future.ready(a + (b ? await(later("x")) : "y") + n + await(later(n * 2)) + a);
        }

        /** The third of a chain fails: the catch sees it with the chain's operands dropped. */
        static Future<String> failsInAChain(long seed) {
          String kept = "k";
          try {
            return Future.ready(kept + seed + await(later("a")) + 0.25 + await(later(2L)) + 'q'
                + await(Chains.<String>failing("boom")) + kept);
          } catch (IllegalArgumentException e) {
            return Future.ready(kept + seed + e.getMessage());
          }
        }

        public static String mixedKindsRun() { return drive(mixedKinds(40L)); }
        public static String chainEnteredPastItsFirstAwaitTrueRun() {
          return drive(chainEnteredPastItsFirstAwait(true, "a"));
        }
        public static String chainEnteredPastItsFirstAwaitFalseRun() {
          return drive(chainEnteredPastItsFirstAwait(false, "a"));
        }
        public static String failsInAChainRun() { return drive(failsInAChain(9L)); }
      }
      """;

  @BeforeAll
  static void compileAndRewriteBothWays() throws Exception {
    Map<String, byte[]> classes =
        InMemoryJavac.compile(Map.of("p/Chains.java", SOURCE), List.of("--release", "17", "-g"));
    for (boolean hoist : new boolean[] {true, false}) {
      RewritingClassLoader loader =
          new RewritingClassLoader(classes, new ClassRewriter.Options(false, hoist));
      LOADED.put(hoist, loader.loadClass("p.Chains"));
      ClassRewriter.Outcome outcome = loader.outcomes.get("p.Chains");
      assertEquals(List.of(), outcome.refusals());
      if (!hoist) {
        rewritten = outcome.hostBytes();
      }
    }
    RewritingClassLoader loader = new RewritingClassLoader(classes, new ClassRewriter.Options(true));
    traced = loader.loadClass("p.Chains");
    tracedBytes = loader.outcomes.get("p.Chains").hostBytes();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("mixedKinds", "mixedKinds", "40|1|3.0|3.0|null|x|44|c after 5 pending"),
        Arguments.of("chainEnteredPastItsFirstAwaitTrue", "chainEnteredPastItsFirstAwait",
            "ax714a after 2 pending"),
        Arguments.of("chainEnteredPastItsFirstAwaitFalse", "chainEnteredPastItsFirstAwait",
            "ay714a after 1 pending"),
        Arguments.of("failsInAChain", "failsInAChain", "k9boom after 3 pending"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void runsTheSameWithHoistedLocalsAndWithout(String run, String method, String expected)
      throws Exception {
    assertEquals(expected, LOADED.get(true).getMethod(run + "Run").invoke(null));
    assertEquals(expected, LOADED.get(false).getMethod(run + "Run").invoke(null));

    // The chain is there: its resume block tests the state once per await it passes.
    assertTrue(stateTests(rewritten, method) > 0, method + " has no chained resume block");

    // Traced, a suspension's trace line names the fields of all its operands, so it comes after
    // they are all stored: no chain.
    assertEquals(expected, traced.getMethod(run + "Run").invoke(null));
    assertEquals(0, stateTests(tracedBytes, method), method + " traced");
  }

  /** The {@code IF_ICMPNE}s in the body of {@code method}: the chain's state tests. */
  static long stateTests(byte[] rewritten, String method) {
    ClassNode host = new ClassNode();
    new ClassReader(rewritten).accept(host, 0);
    MethodNode body = host.methods.stream()
        .filter(m -> m.name.equals(method) && (m.access & Opcodes.ACC_SYNTHETIC) != 0)
        .findFirst()
        .orElseThrow();
    long tests = 0;
    for (AbstractInsnNode n = body.instructions.getFirst(); n != null; n = n.getNext()) {
      if (n.getOpcode() == Opcodes.IF_ICMPNE) {
        tests++;
      }
    }
    return tests;
  }
}
