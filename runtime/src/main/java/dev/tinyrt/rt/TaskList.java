// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live tasks of a runtime, to cancel them at shutdown and list them in a {@link TaskDump}:
 * tokio's {@code OwnedTasks}, as a slab. Each task knows its place (one {@code int}, {@link
 * Task#liveSlot}) instead of carrying two links, so a task stays 32 bytes; the list costs one
 * array reference per live task, in chunks of {@link #CHUNK} allocated as the list grows.
 *
 * <p>The list is split in {@link #SHARDS} shards with a lock each, chosen by the spawning thread,
 * so spawns on different threads rarely contend. Within a shard the tasks are dense: a removal
 * moves the shard's last task into the freed place (and updates that task's slot), so adding and
 * removing are O(1) and a snapshot walks no holes.
 *
 * <p>A current-thread runtime's driver removes the tasks it completes in batches ({@link
 * #removeAll}): one lock section and one count change per batch instead of per task.
 *
 * <p>A slot is {@code (index << SHARD_BITS) | shard}. Its shard bits are written once, by {@link
 * #add}, before the task is published to any other thread (the spawn's wake); only its index bits
 * change later, under the shard's lock. So {@link #remove} reads the shard from the slot without
 * the lock and the index under it.
 */
final class TaskList {

  /** How many low bits of a slot name the shard. */
  private static final int SHARD_BITS = 4;

  /** Shard count: a power of two. */
  private static final int SHARDS = 1 << SHARD_BITS;

  /** How many tasks a chunk holds: a power of two. */
  private static final int CHUNK = 1024;

  /** log2 of {@link #CHUNK}. */
  private static final int CHUNK_BITS = Integer.numberOfTrailingZeros(CHUNK);

  /** The most tasks one shard can index in the bits a slot leaves it. */
  private static final int MAX_PER_SHARD = 1 << (Integer.SIZE - 1 - SHARD_BITS);

  /** The shards; each one's tasks are guarded by the shard object. */
  private final Shard[] shards = new Shard[SHARDS];

  /** How many tasks are in the list. */
  private final AtomicInteger size = new AtomicInteger();

  /** One shard: its tasks at indexes 0 to {@code count - 1}, with no hole. Its lock is itself. */
  private static final class Shard {

    /** The chunks; those past the last used one are null, but for at most one spare. */
    Task<?>[][] chunks = new Task<?>[1][];

    /** How many tasks the shard holds. */
    int count;
  }

  TaskList() {
    for (int i = 0; i < SHARDS; i++) {
      shards[i] = new Shard();
    }
  }

  /** Adds {@code task}, which is in no list yet, and sets its slot. */
  void add(Task<?> task) {
    // The spawning thread's shard: a thread that spawns a lot mostly finds its shard's lock free.
    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19; we build for 17
    int s = (int) Thread.currentThread().getId() & (SHARDS - 1);
    Shard shard = shards[s];
    synchronized (shard) {
      int i = shard.count;
      if (i == MAX_PER_SHARD) {
        throw new IllegalStateException("a runtime's live-task shard is full (" + MAX_PER_SHARD
            + " tasks spawned from one thread and not finished): spawn from several threads, or "
            + "let tasks finish before spawning more");
      }
      int c = i >>> CHUNK_BITS;
      if (c == shard.chunks.length) {
        shard.chunks = Arrays.copyOf(shard.chunks, c * 2);
      }
      Task<?>[] chunk = shard.chunks[c];
      if (chunk == null) {
        chunk = new Task<?>[CHUNK];
        shard.chunks[c] = chunk;
      }
      // Counted before it is visible (a snapshot or removal of this shard takes this lock): a
      // shutdown that sees the task and removes it (aborted before its first poll) must never take
      // the count to 0 while another live task, its spawner say, is still listed, or the shutdown
      // would end without giving that one up (found by the runtime fuzzer under load).
      size.incrementAndGet();
      chunk[i & (CHUNK - 1)] = task;
      task.liveSlot = (i << SHARD_BITS) | s;
      shard.count = i + 1;
    }
  }

  /**
   * Removes {@code task}, which is in this list: the shard's last task takes its place.
   *
   * @return the number of tasks left
   */
  int remove(Task<?> task) {
    // The shard bits never change after add (see the class comment); the index may, under the lock.
    int s = task.liveSlot & (SHARDS - 1);
    Shard shard = shards[s];
    synchronized (shard) {
      removeLocked(shard, s, task);
    }
    return size.decrementAndGet();
  }

  /**
   * Removes the first {@code n} of {@code tasks}, each in this list once, taking each shard's lock
   * once per run of tasks from that shard and changing the count once: a current-thread runtime's
   * driver removes what it completed this way, in batches. The stores into the moved tasks' slots
   * (each a line the driver has not touched lately) are issued back to back, with no lock
   * operation between them to wait for each.
   *
   * @param tasks the tasks; the caller clears the array
   * @param n how many
   * @return the number of tasks left
   */
  int removeAll(Task<?>[] tasks, int n) {
    int i = 0;
    while (i < n) {
      int s = tasks[i].liveSlot & (SHARDS - 1);
      Shard shard = shards[s];
      synchronized (shard) {
        do {
          removeLocked(shard, s, tasks[i]);
          i++;
        } while (i < n && (tasks[i].liveSlot & (SHARDS - 1)) == s);
      }
    }
    return size.addAndGet(-n);
  }

  /** Removes {@code task} from {@code shard}, number {@code s}, whose lock the caller holds. */
  private static void removeLocked(Shard shard, int s, Task<?> task) {
    int i = task.liveSlot >>> SHARD_BITS;
    int last = shard.count - 1;
    Task<?>[] lastChunk = shard.chunks[last >>> CHUNK_BITS];
    Task<?> moved = lastChunk[last & (CHUNK - 1)];
    lastChunk[last & (CHUNK - 1)] = null;
    if (moved != task) {
      shard.chunks[i >>> CHUNK_BITS][i & (CHUNK - 1)] = moved;
      moved.liveSlot = (i << SHARD_BITS) | s;
    }
    shard.count = last;
    // Keep one empty chunk past the last used one (no churn at a chunk's edge), free the next.
    // With `last` tasks left on a chunk's edge, chunk last/CHUNK is the spare and the one past
    // it is freed.
    int beyondSpare = (last >>> CHUNK_BITS) + 1;
    if ((last & (CHUNK - 1)) == 0 && beyondSpare < shard.chunks.length) {
      shard.chunks[beyondSpare] = null;
    }
  }

  /**
   * @return the tasks in the list now that have not completed (a current-thread runtime's driver
   *     takes the tasks it completed out in batches, so the list may still hold a few)
   */
  List<Task<?>> snapshot() {
    List<Task<?>> all = new ArrayList<>(Math.max(size.get(), 0));
    for (Shard shard : shards) {
      synchronized (shard) {
        for (int i = 0; i < shard.count; i++) {
          Task<?> task = shard.chunks[i >>> CHUNK_BITS][i & (CHUNK - 1)];
          if (!task.isComplete()) {
            all.add(task);
          }
        }
      }
    }
    return all;
  }

  /**
   * @return how many tasks are in the list: exact for a multi-threaded runtime; for a current-thread
   *     runtime whose driver is running tasks, up to one batch of tasks it completed may still be
   *     counted (see {@code CurrentThreadScheduler#finishedLater}); exact again once it parks or
   *     stops driving
   */
  int size() {
    return size.get();
  }
}
