// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.integration;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.sync.Mutex;
import dev.tinyrt.sync.Oneshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Combinators, the async Mutex and JDK interop, used from async methods. */
@Timeout(30)
class CombinatorsTest {

  static Future<String> lookup(String name, Future<String> answer, List<String> log) {
    try {
      return Future.ready(name + ":" + await(answer));
    } finally {
      log.add(name + " finished");
    }
  }

  static Future<String> fastestMirror(Future<String> a, Future<String> b, List<String> log) {
    Futures.Selected<String> first = await(Futures.select(List.of(
        lookup("primary", a, log), lookup("mirror", b, log))));
    return Future.ready(first.index() + " " + first.value());
  }

  @Test
  void selectUnwindsTheLosingAsyncMethod() {
    List<String> log = new ArrayList<>();
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      Oneshot.Channel<String> primary = Oneshot.channel();
      Oneshot.Channel<String> mirror = Oneshot.channel();
      JoinHandle<String> task = rt.spawn(fastestMirror(primary.receiver(), mirror.receiver(), log));
      rt.blockOn(Tasks.yieldNow());
      mirror.sender().send("pong");
      assertEquals("1 mirror:pong", rt.blockOn(task));
      assertEquals(List.of("mirror finished", "primary finished"), log);
      primary.sender().close();
    }
  }

  static Future<Integer> addUnderLock(Mutex<List<Integer>> shared, int value) {
    try (Mutex.Guard<List<Integer>> guard = await(shared.lock())) {
      await(Tasks.yieldNow()); // the guard is held across an await
      guard.get().add(value);
      return Future.ready(guard.get().size());
    }
  }

  @Test
  void aMutexGuardHeldAcrossAwaitsOnManyThreads() {
    Mutex<List<Integer>> shared = new Mutex<>(new ArrayList<>());
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(2).build()) {
      List<Future<? extends Integer>> adds = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        adds.add(rt.spawn(addUnderLock(shared, i)));
      }
      List<Integer> sizes = new ArrayList<>(rt.blockOn(Futures.joinAll(adds)));
      Collections.sort(sizes);
      for (int i = 0; i < 200; i++) {
        assertEquals(i + 1, sizes.get(i), "each add saw the list alone");
      }
    }
  }

  static Future<Integer> awaitsAStage(CompletableFuture<Integer> stage) {
    return Future.ready(await(stage) * 2);
  }

  @Test
  void completableFuturesBothWays() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(1).build()) {
      CompletableFuture<Integer> input = new CompletableFuture<>();
      CompletableFuture<Integer> output = rt.spawn(awaitsAStage(input)).toCompletableFuture();
      input.complete(21);
      assertEquals(42, output.get());
    }
  }
}
