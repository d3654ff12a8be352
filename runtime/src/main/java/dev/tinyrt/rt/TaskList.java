// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live tasks of a runtime, to cancel them at shutdown: tokio's {@code OwnedTasks}. The tasks
 * are the nodes (an intrusive doubly linked list, two fields per task); the list is split in
 * shards with a lock each, so spawns on different threads rarely contend.
 */
final class TaskList {

  /** Shard count: a power of two. */
  private static final int SHARDS = 16;

  /** One list head per shard; each shard's links are guarded by the shard object. */
  private final Shard[] shards = new Shard[SHARDS];

  /** How many tasks are in the list. */
  private final AtomicInteger size = new AtomicInteger();

  /** A shard: its lock is the object itself. */
  private static final class Shard {
    Task<?> head;
  }

  TaskList() {
    for (int i = 0; i < SHARDS; i++) {
      shards[i] = new Shard();
    }
  }

  private Shard shardOf(Task<?> task) {
    return shards[System.identityHashCode(task) & (SHARDS - 1)];
  }

  void add(Task<?> task) {
    Shard shard = shardOf(task);
    synchronized (shard) {
      task.next = shard.head;
      if (shard.head != null) {
        shard.head.prev = task;
      }
      shard.head = task;
    }
    size.incrementAndGet();
  }

  /** Removes {@code task}; returns the number left. */
  int remove(Task<?> task) {
    Shard shard = shardOf(task);
    synchronized (shard) {
      if (task.prev != null) {
        task.prev.next = task.next;
      } else {
        shard.head = task.next;
      }
      if (task.next != null) {
        task.next.prev = task.prev;
      }
      task.prev = null;
      task.next = null;
    }
    return size.decrementAndGet();
  }

  /** @return the tasks in the list now */
  List<Task<?>> snapshot() {
    List<Task<?>> all = new ArrayList<>();
    for (Shard shard : shards) {
      synchronized (shard) {
        for (Task<?> t = shard.head; t != null; t = t.next) {
          all.add(t);
        }
      }
    }
    return all;
  }

  int size() {
    return size.get();
  }
}
