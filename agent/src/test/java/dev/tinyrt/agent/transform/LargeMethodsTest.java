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
 * Large async methods: the rewrite's code grows linearly with the awaits (locals are hoisted into
 * frame fields when saving them at each await would be quadratic), and a method too large for the
 * JVM once rewritten is refused alone, with its size before and after and what to do, while the
 * rest of its class is rewritten and runs. One generated class holds every case, compiled once.
 */
class LargeMethodsTest {

  /** The generated class, rewritten, checked and loaded. */
  static Class<?> big;

  /** Its class file as javac wrote it. */
  static byte[] original;

  /** Its rewrite. */
  static ClassRewriter.Outcome outcome;

  @BeforeAll
  static void compileRewriteAndLoad() throws Exception {
    load();
  }

  /**
   * Compiles, rewrites and loads the class once per JVM: {@link GrowthFactorsTest} measures the
   * same rewrite (javac takes seconds over a class this size).
   */
  static synchronized void load() throws Exception {
    if (big != null) {
      return;
    }
    String methods = allLive("hundredLive", 100)
        + someLive("thousandSinks", 1000, 200, true)
        + someLive("thousandAdds", 1000, 200, false)
        + concatenation("concatenation", 250)
        + concatenation("concatenation50", 50)
        + concatenation("concatenation100", 100)
        + concatenation("concatenation1000", 1000);
    Map<String, byte[]> classes = InMemoryJavac.compile(
        Map.of("p/Big.java", CLASS.formatted(methods)), List.of("--release", "17", "-g"));
    RewritingClassLoader loader = new RewritingClassLoader(classes, ClassRewriter.Options.DEFAULT);
    original = classes.get("p.Big");
    big = loader.loadClass("p.Big");
    outcome = loader.outcomes.get("p.Big");
  }

  /** The class around the generated methods: a future pending once, a sink, a driver, a tiny async method. */
  static final String CLASS = """
      package p;

      import static dev.tinyrt.Async.await;

      import dev.tinyrt.Context;
      import dev.tinyrt.Future;
      import dev.tinyrt.Poll;
      import dev.tinyrt.Waker;

      public class Big {
        /** Pending on the first poll, ready with its value on the second. */
        static final class Later<T> implements Future<T> {
          final T value; boolean polled;
          Later(T value) { this.value = value; }
          public Poll<T> poll(Context cx) {
            if (polled) return Poll.ready(value);
            polled = true;
            cx.waker().wake();
            return Poll.pending();
          }
        }

        static <T> Later<T> later(T value) { return new Later<>(value); }

        /** The sum of what was sent to the sink. */
        static long sunk;

        static Later<Long> sink(long value) { sunk += value; return new Later<>(value); }

        static Future<Long> tiny(long x) {
          return Future.ready(await(later(x)) + 1);
        }

        public static String tinyRun() { return drive(tiny(41)); }

        public static long sunk() { return sunk; }

        public static String drive(Future<?> f) {
          Context cx = Context.from(Waker.noop());
          int pending = 0;
          while (true) {
            Poll<?> poll = f.poll(cx);
            if (poll.isReady()) return poll.get() + " after " + pending + " pending";
            pending++;
          }
        }

      %s}
      """;

  /** {@code name}: {@code awaits} sequential awaits whose results all stay live to the end. */
  static String allLive(String name, int awaits) {
    StringBuilder body = new StringBuilder();
    StringBuilder sum = new StringBuilder("0L");
    for (int i = 0; i < awaits; i++) {
      body.append("    long v").append(i).append(" = await(later(").append(i).append("L));\n");
      sum.append(" + v").append(i);
    }
    return method(name, "Long", body, sum);
  }

  /**
   * {@code name}: {@code awaits} awaits; the first {@code live} results stay live to the end, and
   * each later await sends one of them to the sink ({@code await(sink(v))}) or adds it to an
   * accumulator that waits on the operand stack ({@code acc += await(later(v))}).
   */
  static String someLive(String name, int awaits, int live, boolean sinks) {
    StringBuilder body = new StringBuilder();
    StringBuilder sum = new StringBuilder("acc");
    for (int i = 0; i < live; i++) {
      body.append("    long v").append(i).append(" = await(later(").append(i).append("L));\n");
      sum.append(" + v").append(i);
    }
    body.append("    long acc = 0;\n");
    for (int i = live; i < awaits; i++) {
      body.append(sinks ? "    await(sink(v" : "    acc += await(later(v")
          .append(i % live).append("));\n");
    }
    return method(name, "Long", body, sum);
  }

  /** {@code name}: one string concatenation of {@code operands}, every third awaited. */
  static String concatenation(String name, int operands) {
    StringBuilder concat = new StringBuilder("\"\"");
    for (int i = 0; i < operands; i++) {
      concat.append(i % 3 == 0 ? " + await(later(\"a\"))" : i % 2 == 0 ? " + \"b\" + n" : " + \"b\"");
    }
    return method(name, "String", new StringBuilder("    int n = 1;\n"), concat);
  }

  static String method(String name, String type, StringBuilder body, StringBuilder result) {
    return "  static Future<" + type + "> " + name + "() {\n" + body
        + "    return Future.ready(" + result + ");\n  }\n\n"
        + "  public static String " + name + "Run() { return drive(" + name + "()); }\n\n";
  }

  static Object run(String name) throws Exception {
    return big.getMethod(name + "Run").invoke(null);
  }

  @Test
  void aMethodPastTheCodeLimitIsRefusedAloneAndTheRestOfItsClassRuns() throws Exception {
    assertEquals("42 after 1 pending", run("tiny"));
    assertEquals(1, outcome.refusals().size(), outcome.refusals().toString());
    String refusal = outcome.refusals().get(0);
    assertTrue(refusal.startsWith("tinyrt cannot rewrite p.Big.thousandAdds (Big.java:"), refusal);
    assertTrue(refusal.matches(".*would take \\d{5,} bytes of bytecode \\(from \\d+ bytes\\).*"), refusal);
    assertTrue(refusal.contains("65535 bytes per method"), refusal);
    assertTrue(refusal.contains("Split it into smaller async methods"), refusal);

    InvocationTargetException thrown =
        assertThrows(InvocationTargetException.class, () -> run("thousandAdds"));
    assertEquals(IllegalStateException.class, thrown.getCause().getClass());
    assertEquals(refusal, thrown.getCause().getMessage());
  }

  @Test
  void aHundredAwaitsWithEveryResultLiveRewriteAndRun() throws Exception {
    assertEquals("4950 after 100 pending", run("hundredLive"));
  }

  @Test
  void aThousandAwaitsWithTwoHundredLiveValuesRewriteAndRun() throws Exception {
    // The sink takes v(i % 200) for i in 200..999: four times 0..199, 4 * 19900.
    assertEquals("19900 after 1000 pending", run("thousandSinks"));
    assertEquals(4 * 19900L, big.getMethod("sunk").invoke(null));
  }

  @Test
  void aConcatenationOfTwoHundredAndFiftyOperandsWithEightyFourAwaitsRewritesAndRuns()
      throws Exception {
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 250; i++) {
      expected.append(i % 3 == 0 ? "a" : i % 2 == 0 ? "b1" : "b");
    }
    assertEquals(expected + " after 84 pending", run("concatenation"));
  }

  @Test
  void aConcatenationOfAThousandOperandsWithThreeHundredAndThirtyFourAwaitsRewritesAndRuns()
      throws Exception {
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      expected.append(i % 3 == 0 ? "a" : i % 2 == 0 ? "b1" : "b");
    }
    assertEquals(expected + " after 334 pending", run("concatenation1000"));
  }
}
