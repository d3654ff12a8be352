// SPDX-License-Identifier: Apache-2.0
package example;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.Future;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which route rewrote the classes, as the build says in {@code tinyrt.route}: the agent at load
 * time (the default run), or tinyrt-maven-plugin at build time ({@code -Pinstrument}), whose frames
 * are class files beside their hosts and whose tests run with no agent at all. An async method of
 * a test class shows that the test classes are rewritten too.
 */
class RouteTest {

  /** True when this build rewrote the classes with tinyrt-maven-plugin. */
  static final boolean BUILD_TIME = "build-time".equals(System.getProperty("tinyrt.route"));

  /** An async method in a test class: instrument-tests rewrites it at build time. */
  static Future<Long> doubled(Future<Long> price) {
    long value = await(price);
    return Future.ready(2 * value);
  }

  @Test
  void anAsyncMethodOfATestClassRuns() {
    assertEquals(24L, Async.blockOn(doubled(Future.ready(12L))));
  }

  @Test
  void theClassesWereRewrittenByTheRouteTheBuildChose() {
    if (BUILD_TIME) {
      assertNotNull(Cart.class.getResource("Cart$cartTotal-Frame.class"),
          "tinyrt-maven-plugin writes the cart's frame beside it in target/classes");
      assertNotNull(RouteTest.class.getResource("RouteTest$doubled-Frame.class"),
          "instrument-tests writes the test class's frame in target/test-classes");
      assertThrows(ClassNotFoundException.class,
          () -> Class.forName("dev.tinyrt.agent.TinyrtAgent"),
          "the agent jar must be off the tests' class path: only the runtime is needed");
      assertFalse(agentArgument().isPresent(), "no -javaagent: " + agentArgument());
    } else {
      assertTrue(agentArgument().isPresent(), "the load-time route runs the tests with -javaagent");
    }
  }

  /** The JVM's {@code -javaagent:...tinyrt-agent...} argument, if it was given one. */
  static Optional<String> agentArgument() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(argument -> argument.startsWith("-javaagent:") && argument.contains("tinyrt-agent"))
        .findFirst();
  }
}
