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
  void aWaitOnAStageSomebodyHoldsStaysAndIsWoken() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    CountingWaker waker = new CountingWaker();
    Future<String> wait = StageFuture.of(stage);
    assertTrue(wait.poll(waker.context()).isPending());
    // Collections while it waits: the hub, held by the stage's callback, stays.
    Gc.usedHeapAfterGc();
    assertEquals(1, StageHub.waitersOf(stage));
    Future<String> second = StageFuture.of(stage);
    assertTrue(second.poll(waker.context()).isPending());
    assertEquals(2, StageHub.waitersOf(stage), "a second await joins the same hub");
    stage.complete("done");
    assertEquals(2, waker.count());
    assertEquals("done", wait.poll(waker.context()).get());
    assertEquals("done", second.poll(waker.context()).get());
  }
}
