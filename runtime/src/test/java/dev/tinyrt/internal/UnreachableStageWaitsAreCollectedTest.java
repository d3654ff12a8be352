// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A wait on a stage that nobody can complete any more is garbage with the stage: the hubs' map
 * held every hub strongly, each hub its waiters, each waiter its stage and its waker (the whole
 * EA-style call and its promise), so such waits were kept for the life of the JVM. Found by the
 * stop's hostile campaign; both cases keep 20 of 20 references on the old code.
 */
class UnreachableStageWaitsAreCollectedTest {

  /** A frame, as the agent makes for an EA-style method, that awaits one stage. */
  private static final class AwaitsStage implements Future<String> {
    /** The await's future. */
    private final Future<String> awaited;

    AwaitsStage(CompletableFuture<String> stage) {
      awaited = StageFuture.of(stage);
    }

    @Override
    public Poll<String> poll(Context cx) {
      Cancellation.checkBeforePoll(awaited, cx);
      return awaited.poll(cx);
    }
  }

  @Test
  void anEaCallAwaitingAStageNobodyHoldsIsCollected() {
    List<WeakReference<Object>> refs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      CompletableFuture<String> stage = new CompletableFuture<>();
      CompletableFuture<String> promise = new CompletableFuture<>();
      StageTask.start(new AwaitsStage(stage), promise);
      assertTrue(!promise.isDone());
      refs.add(new WeakReference<>(stage));
      refs.add(new WeakReference<>(promise));
    }
    assertEquals(0, Gc.uncleared(refs), "stages and promises nobody holds, still reachable");
  }

  @Test
  void aPolledStageFutureNobodyHoldsIsCollectedWithItsStageAndWaker() {
    List<WeakReference<Object>> refs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      CompletableFuture<String> stage = new CompletableFuture<>();
      CountingWaker waker = new CountingWaker();
      assertTrue(StageFuture.of(stage).poll(waker.context()).isPending());
      refs.add(new WeakReference<>(stage));
      refs.add(new WeakReference<>(waker));
    }
    assertEquals(0, Gc.uncleared(refs), "stages and wakers nobody holds, still reachable");
  }

  @Test
  void aWaitNobodyElseHoldsOnAHeldStageStaysAndIsWoken() {
    // Only the hub (held by the stage's callback) holds the waiter: a hub held weakly by its
    // callback too would be collected here, and the waiter never woken (the review of this
    // change planted that; it passed the other cases).
    CompletableFuture<String> stage = new CompletableFuture<>();
    CountingWaker waker = new CountingWaker();
    awaitAndForget(stage, waker);
    awaitAndForget(stage, waker);
    Gc.usedHeapAfterGc();
    assertEquals(2, StageHub.waitersOf(stage), "the hub and its waiters stay");
    stage.complete("done");
    assertEquals(2, waker.count(), "every waiter is woken");
  }

  @Test
  void anEaCallAwaitingAHeldStageResumesAfterACollection() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<String> promise = new CompletableFuture<>();
    StageTask.start(new AwaitsStage(stage), promise);
    Gc.usedHeapAfterGc();
    stage.complete("done");
    assertEquals("done", promise.getNow(null), "the call resumed on the completing thread");
  }

  /** Polls a new wait on {@code stage} once and lets go of it. */
  private static void awaitAndForget(CompletableFuture<String> stage, CountingWaker waker) {
    assertTrue(StageFuture.of(stage).poll(waker.context()).isPending());
  }
}
