// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Methods too large for the JVM once rewritten are refused alone: the message names the method,
 * its size before and after, and what to do; the rest of the class is rewritten and runs.
 */
class LargeMethodsTest {

  /**
   * Returns a class with {@code big}, an async method of {@code awaits} sequential awaits whose
   * results all stay live to the end, and {@code tiny}, an async method of one await.
   */
  static String bigBesideTiny(int awaits) {
    StringBuilder big = new StringBuilder();
    StringBuilder sum = new StringBuilder("0L");
    for (int i = 0; i < awaits; i++) {
      big.append("    long v").append(i).append(" = await(Later.of(").append(i).append("L));\n");
      sum.append(" + v").append(i);
    }
    return """
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
            static <T> Later<T> of(T value) { return new Later<>(value); }
            public Poll<T> poll(Context cx) {
              if (polled) return Poll.ready(value);
              polled = true;
              cx.waker().wake();
              return Poll.pending();
            }
          }

          static Future<Long> big() {
        %s    return Future.ready(%s);
          }

          static Future<Long> tiny(long x) {
            return Future.ready(await(Later.of(x)) + 1);
          }

          public static Object drive(Future<?> f) {
            Context cx = Context.from(Waker.noop());
            int pending = 0;
            while (true) {
              Poll<?> poll = f.poll(cx);
              if (poll.isReady()) return poll.get() + " after " + pending + " pending";
              pending++;
            }
          }

          public static Object runTiny() { return drive(tiny(41)); }
          public static Object runBig() { return drive(big()); }
        }
        """.formatted(big, sum);
  }

  static RewritingClassLoader load(String source) {
    Map<String, byte[]> classes =
        InMemoryJavac.compile(Map.of("p/Big.java", source), List.of("--release", "17", "-g"));
    return new RewritingClassLoader(classes, ClassRewriter.Options.DEFAULT);
  }

  @Test
  void aMethodPastTheCodeLimitIsRefusedAloneAndItsNeighbourStillRuns() throws Exception {
    RewritingClassLoader loader = load(bigBesideTiny(100));
    Class<?> big = loader.loadClass("p.Big");

    assertEquals("42 after 1 pending", big.getMethod("runTiny").invoke(null));
    ClassRewriter.Outcome outcome = loader.outcomes.get("p.Big");
    assertEquals(1, outcome.refusals().size(), outcome.refusals().toString());
    String refusal = outcome.refusals().get(0);
    assertTrue(refusal.startsWith("tinyrt cannot rewrite p.Big.big (Big.java:"), refusal);
    assertTrue(refusal.matches(".*would take \\d{5,} bytes of bytecode \\(from \\d+ bytes\\).*"), refusal);
    assertTrue(refusal.contains("65535 bytes per method"), refusal);
    assertTrue(refusal.contains("Split it into smaller async methods"), refusal);

    InvocationTargetException thrown = assertThrows(
        InvocationTargetException.class, () -> big.getMethod("runBig").invoke(null));
    assertEquals(IllegalStateException.class, thrown.getCause().getClass());
    assertEquals(refusal, thrown.getCause().getMessage());
  }
}
