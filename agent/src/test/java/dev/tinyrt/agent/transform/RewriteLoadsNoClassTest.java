// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rewrite needs no class but the one it rewrites: types are read from the class file's own
 * stack map frames, never resolved. Here the types the method holds across its awaits exist
 * nowhere at rewrite time.
 */
class RewriteLoadsNoClassTest {

  static final String SOURCES_A = """
      package q;
      import static dev.tinyrt.Async.await;
      import dev.tinyrt.Future;
      public class A {
        static Future<String> f(Future<B> x, boolean flag) {
          B b = await(x);
          Base base = flag ? b : new C();   // a merge of two types that only the frames know
          Object o = await(x);
          return Future.ready(base.toString() + o);
        }
      }
      class Base {}
      class B extends Base {}
      class C extends Base {}
      """;

  @Test
  void typesThatDoNotExistAnywhereAreNoObstacle() {
    Map<String, byte[]> classes = InMemoryJavac.compile(
        Map.of("q/A.java", SOURCES_A), List.of("--release", "17"));
    // Only A's bytes: B, C and Base are in no class loader.
    ClassRewriter.Outcome outcome = ClassRewriter.rewrite(classes.get("q.A"), ClassRewriter.Options.DEFAULT);
    assertFalse(outcome.unchanged());
    assertEquals(List.of(), outcome.refusals());
    assertEquals(1, outcome.frames().size());
  }
}
