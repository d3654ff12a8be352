// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tinyrt.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The live-task slab: whatever the order of adds and removes, across chunk edges, a snapshot holds
 * exactly the tasks added and not removed, each once.
 */
class TaskListTest {

  private final AsyncRuntime rt = AsyncRuntime.currentThread();

  private Task<?> newTask() {
    return new Task<>(Future.ready(1), rt);
  }

  @Test
  void removingInRandomOrderAcrossChunksKeepsExactlyTheOthers() {
    TaskList list = new TaskList();
    Random random = new Random(11);
    List<Task<?>> expected = new ArrayList<>();
    // Up past three chunks, down to one, up again, down to none: every chunk edge both ways.
    for (int target : new int[] {3_500, 700, 2_100, 0}) {
      while (expected.size() < target) {
        Task<?> t = newTask();
        list.add(t);
        expected.add(t);
      }
      while (expected.size() > target) {
        Task<?> t = expected.remove(random.nextInt(expected.size()));
        assertEquals(expected.size(), list.remove(t));
      }
      assertSameTasks(expected, list.snapshot());
      assertEquals(expected.size(), list.size());
    }
  }

  @Test
  void removingTheLastAndTheFirstWorks() {
    TaskList list = new TaskList();
    Task<?> a = newTask();
    Task<?> b = newTask();
    Task<?> c = newTask();
    list.add(a);
    list.add(b);
    list.add(c);
    assertEquals(2, list.remove(c)); // the last: nothing moves
    assertEquals(1, list.remove(a)); // the first: b moves into its place
    assertSameTasks(List.of(b), list.snapshot());
    assertEquals(0, list.remove(b));
    assertEquals(List.of(), list.snapshot());
  }

  @Test
  void tasksAddedFromSeveralThreadsAreAllListed() throws Exception {
    TaskList list = new TaskList();
    List<Task<?>> all = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t = new Thread(() -> {
        for (int k = 0; k < 1_500; k++) {
          Task<?> task = newTask();
          list.add(task);
          all.add(task);
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertSameTasks(all, list.snapshot());
    // Removed from the main thread: each task's slot names its shard, whoever added it.
    for (int i = all.size() - 1; i >= 0; i -= 2) {
      list.remove(all.remove(i));
    }
    assertSameTasks(all, list.snapshot());
  }

  private static void assertSameTasks(List<Task<?>> expected, List<Task<?>> actual) {
    assertEquals(expected.size(), actual.size());
    Set<Task<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.addAll(actual);
    assertEquals(expected.size(), seen.size(), "a task is listed twice");
    for (Task<?> t : expected) {
      assertEquals(true, seen.contains(t), t + " is missing");
    }
  }
}
