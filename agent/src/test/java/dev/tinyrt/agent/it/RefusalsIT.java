// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What cannot be made correct is refused loudly: reported when the class loads, and the method
 * throws the same message when called. The class itself still loads and its other methods work.
 * The fixtures live in {@link RefusalFixtures}, which nothing loads before a test asks for it.
 */
class RefusalsIT {

  /** Records what the agent logs. */
  static final List<String> logged = new ArrayList<>();

  static final Handler recorder = new Handler() {
    @Override
    public void publish(LogRecord record) {
      synchronized (logged) {
        logged.add(record.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  static final Logger agentLogger = Logger.getLogger("dev.tinyrt.agent");

  @BeforeEach
  void record() {
    agentLogger.addHandler(recorder);
  }

  @AfterEach
  void stopRecording() {
    agentLogger.removeHandler(recorder);
  }

  @Test
  void aSynchronizedBlockAcrossAnAwaitIsReportedAtLoadAndThrowsTheSameWhenCalled()
      throws Exception {
    int line = SourceLines.lineOf(RefusalFixtures.class, "// MONITOR-AWAIT");
    assertEquals(7, RefusalFixtures.SynchronizedBlock.stillWorks(), "the class loads and its other methods run");
    IllegalStateException e = assertThrows(
        IllegalStateException.class, () -> RefusalFixtures.SynchronizedBlock.holdsAMonitor(Future.ready(1)));
    String m = e.getMessage();
    assertTrue(m.contains(RefusalFixtures.SynchronizedBlock.class.getName() + ".holdsAMonitor (RefusalFixtures.java:"
        + line + ")"), m);
    assertTrue(m.contains("synchronized block"), m);
    assertTrue(m.contains("Release the monitor before the await"), m);
    assertTrue(m.contains("dev.tinyrt.sync.Mutex"), m);
    assertTrue(loggedExactly(m), "logged at load: " + logged);
  }

  @Test
  void aSynchronizedAsyncMethodIsRefused() throws Exception {
    int line = SourceLines.lineOf(RefusalFixtures.class, "// SYNC-METHOD-AWAIT");
    IllegalStateException e = assertThrows(
        IllegalStateException.class, () -> RefusalFixtures.SynchronizedMethod.isSynchronized(Future.ready(1)));
    String m = e.getMessage();
    assertTrue(m.contains(RefusalFixtures.SynchronizedMethod.class.getName() + ".isSynchronized (RefusalFixtures.java:"
        + line + ")"), m);
    assertTrue(m.contains("the method is synchronized"), m);
    assertTrue(loggedExactly(m), "logged at load: " + logged);
  }

  @Test
  void anAwaitInAMethodThatDoesNotReturnFutureIsRefused() throws Exception {
    int line = SourceLines.lineOf(RefusalFixtures.class, "// NOT-FUTURE-AWAIT");
    IllegalStateException e = assertThrows(
        IllegalStateException.class, () -> RefusalFixtures.NotAFuture.returnsInt(Future.ready(1)));
    String m = e.getMessage();
    assertTrue(m.contains(RefusalFixtures.NotAFuture.class.getName() + ".returnsInt (RefusalFixtures.java:" + line + ")"), m);
    assertTrue(m.contains("returns int, not dev.tinyrt.Future"), m);
    assertTrue(m.contains("Async.blockOn"), m);
    assertTrue(loggedExactly(m), "logged at load: " + logged);
    assertEquals(6, Wakers.runReady(RefusalFixtures.NotAFuture.fine(Future.ready(3))), "its neighbour is rewritten");
  }

  static final class MonitorReleasedBeforeTheAwait {
    static final Object lock = new Object();
    static int counter;

    static Future<Integer> fine(Future<Integer> x) {
      int before;
      synchronized (lock) {
        before = ++counter;
      }
      int v = await(x);
      synchronized (lock) {
        counter += v;
      }
      return Future.ready(before + v);
    }
  }

  @Test
  void aMonitorReleasedBeforeTheAwaitIsFine() {
    Later.Driver driver = new Later.Driver();
    assertEquals(11, driver.run(MonitorReleasedBeforeTheAwait.fine(driver.of(10))));
    assertEquals(1, driver.suspensions);
  }

  private static boolean loggedExactly(String message) {
    synchronized (logged) {
      return logged.contains(message);
    }
  }
}
