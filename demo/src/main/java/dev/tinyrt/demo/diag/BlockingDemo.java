// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo.diag;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.Tasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The chapter's "blocking an executor thread" lesson ({@code scripts/demo blocking}): {@link
 * #example} sleeps with {@code Thread.sleep}, holding its worker, so 8 tasks on 2 workers take 4
 * rounds; {@link #better} awaits {@code Tasks.sleep}, so they all wait at once. The agent warns
 * about the first as the class loads, naming {@code BlockingDemo.example (BlockingDemo.java:...)}
 * and the alternative; the second passes without a word.
 */
public final class BlockingDemo {

  /** How many tasks each variant runs. */
  static final int TASKS = 8;

  /** How many worker threads run them. */
  static final int WORKERS = 2;

  /** How long each task waits. */
  static final Duration WAIT = Duration.ofMillis(200);

  private BlockingDemo() {}

  /**
   * The mistake: a blocking sleep in an async method.
   *
   * @param id the task's number
   * @return {@code id}
   * @throws InterruptedException if interrupted while sleeping
   */
  public static Future<Integer> example(int id) throws InterruptedException {
    Thread.sleep(WAIT.toMillis());
    await(Tasks.yieldNow());
    return Future.ready(id);
  }

  /**
   * The fix: the runtime's timer wakes the task; no thread waits.
   *
   * @param id the task's number
   * @return {@code id}
   */
  public static Future<Integer> better(int id) {
    await(Tasks.sleep(WAIT));
    await(Tasks.yieldNow());
    return Future.ready(id);
  }

  /**
   * Runs {@link #TASKS} tasks of each variant on {@link #WORKERS} workers and prints how long each
   * took.
   *
   * @param args unused
   * @throws Exception if a task fails
   */
  public static void main(String[] args) throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(WORKERS).build()) {
      List<Future<Integer>> sleepy = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < TASKS; i++) {
        sleepy.add(rt.spawn(example(i)));
      }
      rt.blockOn(Futures.joinAll(sleepy));
      long blocking = (System.nanoTime() - start) / 1_000_000;

      List<Future<Integer>> awaiting = new ArrayList<>();
      start = System.nanoTime();
      for (int i = 0; i < TASKS; i++) {
        awaiting.add(rt.spawn(better(i)));
      }
      rt.blockOn(Futures.joinAll(awaiting));
      long async = (System.nanoTime() - start) / 1_000_000;

      System.out.printf("example(): %d tasks that each Thread.sleep %d ms on %d workers took %d ms "
          + "(each sleep held a worker)%n", TASKS, WAIT.toMillis(), WORKERS, blocking);
      System.out.printf("better():  %d tasks that each await Tasks.sleep %d ms took %d ms (no "
          + "thread waits)%n", TASKS, WAIT.toMillis(), async);
    }
  }
}
