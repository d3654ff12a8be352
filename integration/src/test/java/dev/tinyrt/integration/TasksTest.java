// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.integration;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.sync.Oneshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tasks written as async methods: spawn, join, cancel, shut down. */
@Timeout(60)
class TasksTest {

  static int lineOf(String marker) throws java.io.IOException {
    List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(
        "src/test/java/dev/tinyrt/integration/TasksTest.java"));
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker) && !lines.get(i).contains("\"" + marker)) {
        return i + 1;
      }
    }
    throw new AssertionError(marker);
  }

  static Future<Integer> fanOut(int n) {
    List<JoinHandle<Integer>> handles = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      handles.add(Tasks.spawn(square(i)));
    }
    int sum = 0;
    for (JoinHandle<Integer> h : handles) {
      sum += await(h);
    }
    return Future.ready(sum);
  }

  static Future<Integer> square(int i) {
    await(Tasks.yieldNow());
    return Future.ready(i * i);
  }

  @Test
  void spawnAndJoinOnBothKindsOfRuntime() {
    int expected = 0;
    for (int i = 0; i < 100; i++) {
      expected += i * i;
    }
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      assertEquals(expected, rt.blockOn(fanOut(100)));
    }
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(2).build()) {
      assertEquals(expected, rt.blockOn(fanOut(100)));
    }
  }

  /** A resource whose close is logged. */
  record Resource(List<String> log) implements AutoCloseable {
    @Override
    public void close() {
      log.add("resource closed");
    }
  }

  static Future<String> parksThenCleansUp(Future<String> never, List<String> log) {
    try (Resource resource = new Resource(log)) {
      try {
        log.add("waiting");
        return Future.ready(await(never));
      } finally {
        log.add("finally ran");
      }
    }
  }

  static Future<String> outer(Future<String> never, List<String> log) {
    try {
      return Future.ready("outer " + await(parksThenCleansUp(never, log)));
    } finally {
      log.add("outer finally ran");
    }
  }

  @Test
  void cancellationReachesTheInnermostAwaitAndEveryFinallyRuns() {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      Oneshot.Channel<String> never = Oneshot.channel();
      JoinHandle<String> task = rt.spawn(outer(never.receiver(), log));
      rt.blockOn(Tasks.yieldNow()); // let it park
      assertEquals(List.of("waiting"), log);
      task.abort();
      assertThrows(CancelledException.class, () -> rt.blockOn(task));
      assertTrue(task.isCancelled());
      assertEquals(List.of("waiting", "finally ran", "resource closed", "outer finally ran"), log);
      never.sender().close();
    }
  }

  @Test
  void shutdownCancelsTasksStillParkedAtTheDeadline() {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    Oneshot.Channel<String> never = Oneshot.channel();
    AsyncRuntime rt = AsyncRuntime.builder().multiThread(2).build();
    JoinHandle<String> task = rt.spawn(outer(never.receiver(), log));
    CompletableFuture<String> cf = task.toCompletableFuture();
    rt.blockOn(Tasks.yieldNow());
    assertTrue(!rt.shutdown(Duration.ofMillis(10)), "the parked task did not finish in time");
    assertTrue(task.isCancelled());
    assertTrue(cf.isCancelled());
    assertTrue(log.contains("finally ran") && log.contains("outer finally ran"), log.toString());
  }

  static Future<String> catchesItsCancellation(Future<String> never, List<Object> log) {
    try {
      return Future.ready(await(never)); // PARKED-HERE
    } catch (CancelledException e) {
      log.add(e);
      throw e;
    }
  }

  @Test
  void theCancellationIsAnExceptionTheTaskCanSeeAtItsAwait() throws Exception {
    List<Object> log = new ArrayList<>();
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      Oneshot.Channel<String> never = Oneshot.channel();
      JoinHandle<String> task = rt.spawn(catchesItsCancellation(never.receiver(), log));
      rt.blockOn(Tasks.yieldNow());
      task.abort();
      assertThrows(CancelledException.class, () -> rt.blockOn(task));
      assertEquals(1, log.size());
      StackTraceElement at = null;
      for (StackTraceElement el : ((CancelledException) log.get(0)).getStackTrace()) {
        if (el.getMethodName().equals("catchesItsCancellation")) {
          at = el;
          break;
        }
      }
      assertEquals(TasksTest.class.getName(), at.getClassName());
      assertEquals(lineOf("// PARKED-HERE"), at.getLineNumber());
      never.sender().close();
    }
  }
}
