// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.Future;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failed futures throw the original exception at the await; traces keep the user's lines. */
class ExceptionsIT {

  final Later.Driver driver = new Later.Driver();

  static Future<String> catchesAtTheAwait(Future<String> failing, List<String> log) {
    try {
      log.add("before");
      String never = await(failing);
      log.add("not reached " + never);
    } catch (Exception e) { // javac cannot see the checked IOException await throws
      log.add("caught " + e.getClass().getSimpleName() + " " + e.getMessage());
    } finally {
      log.add("finally");
    }
    return Future.ready("recovered");
  }

  @Test
  void theOriginalCheckedExceptionIsThrownAtTheAwait() {
    List<String> log = new ArrayList<>();
    IOException original = new IOException("disk");
    assertEquals("recovered", driver.run(catchesAtTheAwait(driver.failing(original), log)));
    assertEquals(List.of("before", "caught IOException disk", "finally"), log);
  }

  static Future<String> propagates(Future<String> failing) {
    return Future.ready(await(failing) + "!");
  }

  @Test
  void anUncaughtFailureReachesTheCallerUnwrapped() {
    IllegalArgumentException original = new IllegalArgumentException("bad");
    Future<String> f = propagates(driver.failing(original));
    assertSame(original, assertThrows(IllegalArgumentException.class, () -> driver.run(f)));
    // A frame that threw is finished.
    IllegalStateException again =
        assertThrows(IllegalStateException.class, () -> Wakers.runReady(f));
    assertTrue(again.getMessage().contains("after it already completed"), again.getMessage());
  }

  @Test
  void blockOnRethrowsTheCheckedExceptionOfAFutureFailedFromAnotherThread() throws Exception {
    IOException original = new IOException("offline");
    Wakers.Gate<String> gate = new Wakers.Gate<>();
    Thread failer = new Thread(() -> gate.fail(original));
    failer.start();
    Throwable thrown = assertThrows(Throwable.class, () -> Async.blockOn(propagates(gate)));
    failer.join();
    assertSame(original, thrown);
  }

  static Future<Integer> throwsAfterResume(Future<Integer> x) {
    int v = await(x);
    if (v > 0) {
      throw new IllegalStateException("after resume"); // THROW-AFTER-RESUME
    }
    return Future.ready(v);
  }

  @Test
  void anExceptionAfterAResumeNamesTheUsersClassMethodAndLine() throws Exception {
    IllegalStateException e = assertThrows(
        IllegalStateException.class, () -> driver.run(throwsAfterResume(driver.of(1))));
    assertEquals(1, driver.suspensions);
    StackTraceElement top = e.getStackTrace()[0];
    assertEquals(ExceptionsIT.class.getName(), top.getClassName());
    assertEquals("throwsAfterResume", top.getMethodName());
    assertEquals("ExceptionsIT.java", top.getFileName());
    assertEquals(SourceLines.lineOf(ExceptionsIT.class, "// THROW-AFTER-RESUME"), top.getLineNumber());
  }
}
