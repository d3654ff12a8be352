// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.integration;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.sync.Oneshot;
import dev.tinyrt.time.Elapsed;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sleeps and timeouts in async methods, on a manual clock: no real time passes. */
@Timeout(30)
class TimeTest {

  final ManualClock clock = new ManualClock();

  AsyncRuntime runtime() {
    return AsyncRuntime.builder().currentThread().timer(Timer.manual(clock)).build();
  }

  static Future<String> sleepy(List<String> log) {
    log.add("before");
    await(Tasks.sleep(Duration.ofSeconds(5)));
    log.add("after");
    return Future.ready("slept");
  }

  @Test
  void aTaskSleepsUntilTheClockReachesItsDeadline() {
    List<String> log = new ArrayList<>();
    try (AsyncRuntime rt = runtime()) {
      JoinHandle<String> task = rt.spawn(sleepy(log));
      rt.blockOn(Tasks.yieldNow());
      assertEquals(List.of("before"), log);
      clock.advance(Duration.ofMillis(4999));
      rt.blockOn(Tasks.yieldNow());
      assertFalse(task.isFinished());
      clock.advance(Duration.ofMillis(1));
      assertEquals("slept", rt.blockOn(task));
      assertEquals(List.of("before", "after"), log);
    }
  }

  static Future<String> withATimeout(Future<String> slow, List<String> log) {
    try {
      return Future.ready(await(Tasks.timeout(guarded(slow, log), Duration.ofSeconds(2))));
    } catch (Elapsed e) {
      return Future.ready("gave up: " + e.getMessage());
    }
  }

  static Future<String> guarded(Future<String> slow, List<String> log) {
    try {
      return Future.ready(await(slow));
    } finally {
      log.add("slow call unwound");
    }
  }

  @Test
  void aTimeoutAbandonsTheSlowAsyncMethodWhichUnwinds() {
    List<String> log = new ArrayList<>();
    try (AsyncRuntime rt = runtime()) {
      Oneshot.Channel<String> never = Oneshot.channel();
      JoinHandle<String> task = rt.spawn(withATimeout(never.receiver(), log));
      rt.blockOn(Tasks.yieldNow());
      clock.advance(Duration.ofSeconds(2));
      String result = rt.blockOn(task);
      assertTrue(result.startsWith("gave up: deadline elapsed"), result);
      assertEquals(List.of("slow call unwound"), log);
      never.sender().close();
    }
  }
}
