// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AsyncTest {

  /** An async method as a user writes it; without the agent its await must fail clearly. */
  static Future<Long> cartTotal(Future<Long> socks) {
    long socksPrice = Async.await(socks); // AWAIT-LINE
    return Future.ready(socksPrice);
  }

  @Test
  void awaitWithoutTheAgentNamesTheMethodItsLineAndTheFix() throws Exception {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> cartTotal(Future.ready(1L)));
    String m = e.getMessage();
    int line = SourceLines.lineOf(AsyncTest.class, "// AWAIT-LINE");
    assertTrue(m.contains("dev.tinyrt.AsyncTest.cartTotal (AsyncTest.java:" + line + ")"), m);
    assertTrue(m.contains("-javaagent:" + AgentLocator.SOME_AGENT_JAR), m);
    assertTrue(m.contains("Async.init()"), m);
  }

  @Test
  void awaitOfACompletionStageWithoutTheAgentFailsTheSameWay() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Async.await(CompletableFuture.completedFuture(1)));
    assertTrue(e.getMessage().contains("AsyncTest.lambda$"), e.getMessage());
  }

  @Test
  void initWithoutTheAgentJarSaysWhatIsMissing() {
    IllegalStateException e = assertThrows(IllegalStateException.class, Async::init);
    String m = e.getMessage();
    assertTrue(m.contains("dev.tinyrt:tinyrt-agent"), m);
    assertTrue(m.contains("-javaagent:" + AgentLocator.SOME_AGENT_JAR), m);
  }

  @Test
  void blockOnReturnsAReadyValue() {
    assertEquals("done", Async.blockOn(Future.ready("done")));
  }
}
