// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A current-thread runtime's drive loop takes the tasks it completed out of the live list in
 * batches ({@link CurrentThreadScheduler#finishedLater}): a snapshot never lists a completed task,
 * the count is exact again when the loop waits or returns, and a batched removal across shards
 * keeps exactly the other tasks.
 */
class FinishedBatchTest {

  @Test
  void aSnapshotInTheDriveLoopListsNoCompletedTaskAndTheCountIsExactAfterIt() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    int done = CurrentThreadScheduler.FINISHED_BATCH + CurrentThreadScheduler.FINISHED_BATCH / 2;
    for (int i = 0; i < done; i++) {
      rt.spawn(Future.ready(i));
    }
    JoinHandle<Object> parked = rt.spawn(cx -> Poll.pending());
    int[] seen = new int[2];
    // Spawned last: polled after every task above completed, some still in the driver's batch.
    JoinHandle<Integer> checker = rt.spawn(cx -> {
      seen[0] = rt.liveSnapshot().size();
      seen[1] = rt.liveTasks();
      return Poll.ready(0);
    });
    rt.blockOn(checker);
    assertEquals(2, seen[0], "only the parked task and the running checker are live");
    assertTrue(seen[1] >= 2 && seen[1] <= 2 + CurrentThreadScheduler.FINISHED_BATCH,
        "the count lags by at most one batch: " + seen[1]);
    assertEquals(1, rt.liveTasks(), "exact once blockOn returned");
    assertEquals(List.of(parked), rt.liveSnapshot());
    parked.abort();
    rt.close();
  }

  @Test
  void aShutdownThatWaitsForTheCountSeesTheLastBatchLeave() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    for (int i = 0; i < 10; i++) {
      rt.spawn(Future.ready(i)); // fewer than a batch: only the take-out before parking empties it
    }
    long start = System.nanoTime();
    assertTrue(rt.shutdown(Duration.ofSeconds(30)), "every task finished");
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(),
        "the drive loop did not wait for its deadline to take its batch out");
    assertEquals(0, rt.liveTasks());
  }

  @Test
  void aShutdownWithNoTimeLeftCountsATaskThatFinishedInItsFirstPoll() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    rt.spawn(Future.ready(1));
    // The deadline has passed when the loop next looks at it: the batch must leave before then.
    assertTrue(rt.shutdown(Duration.ZERO), "the task finished, in time");
    assertEquals(0, rt.liveTasks());
  }

  @Test
  void aBatchedRemovalAcrossShardsKeepsExactlyTheOthers() throws Exception {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    TaskList list = new TaskList();
    List<Task<?>> all = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 5; t++) { // added from several threads: several shards
      Thread thread = new Thread(() -> {
        for (int k = 0; k < 1_200; k++) {
          Task<?> task = new Task<>(Future.ready(k), rt);
          list.add(task);
          all.add(task);
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    // Every third task, in the order they were added overall: runs of each shard, interleaved.
    List<Task<?>> gone = new ArrayList<>();
    List<Task<?>> kept = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      (i % 3 == 0 ? gone : kept).add(all.get(i));
    }
    Task<?>[] batch = gone.toArray(new Task<?>[0]);
    assertEquals(kept.size(), list.removeAll(batch, batch.length));
    assertEquals(kept.size(), list.size());
    List<Task<?>> listed = list.snapshot();
    Set<Task<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.addAll(listed);
    assertEquals(kept.size(), listed.size());
    assertEquals(kept.size(), seen.size(), "a task is listed twice");
    for (Task<?> t : kept) {
      assertTrue(seen.contains(t), t + " is missing");
    }
  }
}
