// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Frame class names cannot collide with a class the user declared. */
class FrameNamesTest {

  static final String SHOP = """
      package p;

      import static dev.tinyrt.Async.await;

      import dev.tinyrt.Context;
      import dev.tinyrt.Future;
      import dev.tinyrt.Poll;
      import dev.tinyrt.Waker;

      public class Shop {
        static Future<Long> total(Future<Long> price) {
          return Future.ready(await(price) + 1);
        }

        public static String run() {
          Poll<Long> poll = total(Future.ready(41L)).poll(Context.from(Waker.noop()));
          return poll.get() + " " + Shop$total$Frame.hello();
        }
      }
      """;

  /** A top-level class named as frames once were: {@code Host$method$Frame}. */
  static final String USERS_OWN = """
      package p;

      public class Shop$total$Frame {
        static String hello() { return "from the user's own class"; }
      }
      """;

  @Test
  void aUserClassNamedLikeAFrameIsNotReplacedByTheFrame() throws Exception {
    Map<String, byte[]> classes = InMemoryJavac.compile(
        Map.of("p/Shop.java", SHOP, "p/Shop$total$Frame.java", USERS_OWN),
        List.of("--release", "17", "-g"));
    RewritingClassLoader loader = new RewritingClassLoader(classes, ClassRewriter.Options.DEFAULT);

    assertEquals("42 from the user's own class", loader.loadClass("p.Shop").getMethod("run").invoke(null));
    ClassRewriter.Outcome outcome = loader.outcomes.get("p.Shop");
    assertEquals(List.of("p/Shop$total-Frame"), List.copyOf(outcome.frames().keySet()));
    assertTrue(outcome.refusals().isEmpty(), outcome.refusals().toString());
  }

  @Test
  void overloadsGetNumberedFrames() {
    String source = """
        package p;

        import static dev.tinyrt.Async.await;

        import dev.tinyrt.Future;

        public class Over {
          static Future<Long> total(Future<Long> a) { return Future.ready(await(a)); }
          static Future<Long> total(Future<Long> a, Future<Long> b) { return Future.ready(await(a) + await(b)); }
        }
        """;
    byte[] over = InMemoryJavac.compile(Map.of("p/Over.java", source), List.of("--release", "17"))
        .get("p.Over");
    ClassRewriter.Outcome outcome = ClassRewriter.rewrite(over, ClassRewriter.Options.DEFAULT);
    assertEquals(
        List.of("p/Over$total-Frame", "p/Over$total-Frame2"), List.copyOf(outcome.frames().keySet()));
  }
}
