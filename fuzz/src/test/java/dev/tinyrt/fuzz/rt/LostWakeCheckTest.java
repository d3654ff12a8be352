// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Poll;
import dev.tinyrt.rt.AsyncRuntime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lost-wake check finds a task that could go on but was never woken, and stays quiet for one
 * that waits for good; the reduced programs it found are regression tests of their own.
 */
class LostWakeCheckTest {

  private AsyncRuntime rt = AsyncRuntime.builder().currentThread().build();
  private final BlockingPool blocking = new BlockingPool("lost-wake-check");
  private final Env env = new Env();

  @AfterEach
  void shutDown() {
    rt.shutdown(Duration.ZERO);
    blocking.shutdownNow();
  }

  @Test
  void aTaskReadyButNeverWokenIsReported() {
    assertPlantedLostWakeIsFound(Driver.Kind.CURRENT_THREAD);
  }

  @Test
  void aTaskReadyButNeverWokenIsReportedOnTheMultiThreadedRuntime() {
    rt.shutdown(Duration.ZERO);
    rt = AsyncRuntime.builder().multiThread(2).build();
    assertPlantedLostWakeIsFound(Driver.Kind.MULTI_THREAD);
  }

  private void assertPlantedLostWakeIsFound(Driver.Kind kind) {
    Node node = new Node.Yield();
    int task = env.newTask(node);
    java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
    // A hand-written future with a planted lost wake: pending without keeping the waker, ready
    // when polled again.
    env.spawned(task, rt.spawn(cx -> {
      if (polls.getAndIncrement() == 0) {
        env.enter(node);
        return Poll.pending();
      }
      env.exit(0);
      return Poll.ready(1L);
    }));
    List<String> found = Driver.lostWakes(rt, kind, env, blocking);
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("wake: a lost wake-up"), found.get(0));
  }

  @Test
  void aTaskThatWaitsForGoodIsNotReported() {
    Node node = new Node.Wait(0);
    int task = env.newTask(node);
    env.spawned(task, rt.spawn(RewritingLoader.interpreter().task(node, env, task)));
    assertEquals(List.of(), Driver.lostWakes(rt, Driver.Kind.CURRENT_THREAD, env, blocking));
  }

  @Test
  void aHandleAwaitedTwiceByOneTaskStillWakesItAfterOneAwaitTimedOut() {
    // Found by scripts/fuzz --runtime: the timeout's abandoned await forgot the task's one waker
    // registration in the handle, and with it the plain await's.
    assertEquals(List.of(), Driver.run(ProgramParser.parse("(seq (spawn-shared (sleep 20))"
            + " (join-all (join-shared h0) (timeout 5 (join-shared h0))))"), 1,
        Driver.Kind.CURRENT_THREAD, Feature.parse("spawn,combinators,timeout,sleep,shared_join")));
  }
}
