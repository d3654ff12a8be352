// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same program, compiled for every Java release from 8 up to the running JDK's, with and
 * without debug information, is rewritten, checked and run, and computes the same thing.
 */
class ClassVersionsTest {

  /** A program with most shapes the rewrite handles, in Java 8 syntax. */
  static final String KITCHEN = """
      package p;

      import static dev.tinyrt.Async.await;

      import dev.tinyrt.Context;
      import dev.tinyrt.Future;
      import dev.tinyrt.Poll;
      import dev.tinyrt.Waker;
      import java.util.ArrayDeque;
      import java.util.Arrays;
      import java.util.Deque;
      import java.util.concurrent.Callable;

      public class Kitchen {
        static final Deque<Later<?>> queue = new ArrayDeque<Later<?>>();

        static final class Later<T> implements Future<T> {
          final T value; final RuntimeException failure; boolean done; Waker waker;
          Later(T value, RuntimeException failure) { this.value = value; this.failure = failure; }
          public Poll<T> poll(Context cx) {
            if (done) { if (failure != null) throw failure; return Poll.ready(value); }
            if (waker == null) queue.add(this);
            waker = cx.waker();
            return Poll.pending();
          }
        }

        static <T> Future<T> later(T v) { return new Later<T>(v, null); }
        static Future<String> failing(String m) { return new Later<String>(null, new IllegalStateException(m)); }

        static final class Point {
          final int x, y;
          Point(int x, int y) { this.x = x; this.y = y; }
          public String toString() { return "Point(" + x + "," + y + ")"; }
        }

        interface Named {
          String name();
          default Future<String> hello(Future<String> who) { return Future.ready(name() + " " + await(who)); }
        }

        final String prefix;
        Kitchen(String prefix) { this.prefix = prefix; }
        Future<String> withThis(Future<String> x) { return Future.ready(prefix + await(x)); }

        static Future<String> shapes(int n, long j, double d, String s) throws Exception {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < n; i++) {
            if (i == 1) continue;
            sb.append(await(later(i))).append(',');
          }
          long x = j * await(later(2L));
          double y = d + await(later(0.5));
          String t = s + await(later("!")) + n;
          int[] arr = {1, await(later(2)), 3};
          Point p = new Point(await(later(5)), n > 0 ? await(later(6)) : 0);
          String caught;
          try {
            await(failing("bad"));
            caught = "no";
          } catch (IllegalStateException e) {
            caught = e.getMessage() + await(later("?"));
          } finally {
            sb.append('F');
          }
          Callable<Future<Integer>> c = () -> Future.ready(await(later(7)) + 1);
          int lambda = await(c.call());
          Named named = new Named() { public String name() { return "anon"; } };
          String hello = await(named.hello(later("there")));
          String self = await(new Kitchen("me:").withThis(later("x")));
          return Future.ready(sb + "|" + x + "|" + y + "|" + t + "|" + Arrays.toString(arr) + "|" + p
              + "|" + caught + "|" + lambda + "|" + hello + "|" + self);
        }

        public static String run() throws Exception {
          Future<String> f = shapes(4, 10L, 1.5, "s");
          Context cx = Context.from(Waker.noop());
          int suspensions = 0;
          while (true) {
            Poll<String> poll = f.poll(cx);
            if (poll.isReady()) return poll.get() + " after " + suspensions + " suspensions";
            suspensions++;
            Later<?> next = queue.poll();
            next.done = true;
          }
        }
      }
      """;

  static final String EXPECTED =
      "0,2,3,F|20|2.0|s!4|[1, 2, 3]|Point(5,6)|bad?|8|anon there|me:x after 14 suspensions";

  static Stream<Arguments> releasesAndDebugInfo() {
    List<Arguments> cases = new ArrayList<>();
    int newest = Runtime.version().feature();
    for (int release : new int[] {8, 11, 17, 21, 25}) {
      if (release <= newest) {
        cases.add(Arguments.of(release, "-g"));
        cases.add(Arguments.of(release, "-g:none"));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "--release {0} {1}")
  @MethodSource("releasesAndDebugInfo")
  void theProgramRunsTheSameWhateverItWasCompiledFor(int release, String debug) throws Exception {
    Map<String, byte[]> classes = InMemoryJavac.compile(
        Map.of("p/Kitchen.java", KITCHEN), List.of("--release", String.valueOf(release), debug));
    RewritingClassLoader loader = new RewritingClassLoader(classes, ClassRewriter.Options.DEFAULT);
    Object result = loader.loadClass("p.Kitchen").getMethod("run").invoke(null);
    assertEquals(EXPECTED, result);
    assertTrue(loader.outcomes.values().stream().allMatch(o -> o.refusals().isEmpty()), "no refusal");
  }
}
