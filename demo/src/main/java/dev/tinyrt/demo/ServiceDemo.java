// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.sync.Mpsc;
import dev.tinyrt.sync.Mutex;
import dev.tinyrt.time.Elapsed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small service in one screen: a producer feeds jobs into a bounded channel (it waits when the
 * workers fall behind), three workers share the receiving end through an async lock, each job
 * gets a time limit, and the runtime shuts down gracefully. Run it with {@code scripts/demo
 * service}.
 */
public final class ServiceDemo {

  private ServiceDemo() {}

  /** A job: its number and how long it takes. */
  record Job(int id, Duration work) {}

  static Future<Void> producer(Mpsc.Sender<Job> jobs, int count) {
    for (int id = 1; id <= count; id++) {
      // Jobs take 0 to 30 ms, but every fifth takes 400 ms, far past its 35 ms limit.
      Duration work = Duration.ofMillis(id % 5 == 4 ? 400 : 10L * (id % 5));
      await(jobs.send(new Job(id, work))); // waits while the queue is full
    }
    jobs.close(); // workers drain the queue, then get null
    return Future.ready(null);
  }

  static Future<Integer> worker(String name, Mutex<Mpsc.Receiver<Job>> queue, List<String> log) {
    int done = 0;
    while (true) {
      Job job;
      try (Mutex.Guard<Mpsc.Receiver<Job>> turn = await(queue.lock())) {
        job = await(turn.get().recv()); // the lock is held across this await
      }
      if (job == null) {
        return Future.ready(done);
      }
      try {
        await(Tasks.timeout(Tasks.sleep(job.work()), Duration.ofMillis(35)));
        done++;
      } catch (Elapsed e) {
        log.add(name + ": job " + job.id() + " timed out");
      }
    }
  }

  /**
   * Runs the service: 20 jobs, 3 workers.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    try (AsyncRuntime rt = AsyncRuntime.multiThread()) {
      Mpsc.Channel<Job> jobs = Mpsc.bounded(4);
      Mutex<Mpsc.Receiver<Job>> queue = new Mutex<>(jobs.receiver());
      rt.spawn(producer(jobs.sender(), 20));
      List<Future<Integer>> workers = List.of(
          rt.spawn(worker("worker-1", queue, log)),
          rt.spawn(worker("worker-2", queue, log)),
          rt.spawn(worker("worker-3", queue, log)));
      List<Integer> done = rt.blockOn(Futures.joinAll(workers));
      log.forEach(System.out::println);
      System.out.println("jobs done per worker: " + done + ", timed out: " + log.size());
    } // close(): no new tasks, the live ones finish (or are cancelled at the deadline)
  }
}
