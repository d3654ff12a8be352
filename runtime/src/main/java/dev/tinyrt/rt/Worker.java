// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker thread of a {@link WorkStealingScheduler}: runs its LIFO slot, its local queue and, now
 * and then, the injection queue; steals from the others when it has nothing; sleeps when nobody
 * has anything. Its fields are this thread's but the queue (which others steal from), the look
 * count {@link #tick} (which others read to tell a stalled worker) and the {@link #parker}.
 */
final class Worker extends Thread {

  private static final VarHandle TICK;

  static {
    try {
      TICK = MethodHandles.lookup().findVarHandle(Worker.class, "tick", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Every this many tasks, the injection queue is looked at first (tokio's value). */
  static final int GLOBAL_QUEUE_INTERVAL = 61;

  /** At most this many tasks in a row run from the LIFO slot, then it goes to the queue's back. */
  static final int MAX_LIFO_POLLS = 3;

  /** The scheduler this worker belongs to. */
  final WorkStealingScheduler scheduler;

  /** This worker's index in the scheduler's workers. */
  final int index;

  /** The tasks this worker runs next; others steal from its head. */
  final LocalQueue<Task<?>> queue;

  /** The task woken last by the task running here, run before the queue (messages stay here). */
  Task<?> lifo;

  /** How many tasks in a row came from the LIFO slot. */
  private int lifoPolls;

  /**
   * Counts the looks for a task of this worker's own ({@link #next}; about the tasks run), for
   * {@link #GLOBAL_QUEUE_INTERVAL}; the other workers read it to tell whether this one is stalled
   * ({@link #stealFromStalled}).
   */
  private int tick;

  /**
   * The other workers' {@link #tick}s at this worker's last look ({@link #stealFromStalled}), by
   * worker index; made at the first look (the scheduler's workers exist by then).
   */
  private int[] seenTicks;

  /** The worker {@link #stealFromStalled} looks at next (never this one). */
  private int nextToWatch;

  /** Whether this worker is counted as searching in the scheduler's {@link Idle}. */
  boolean searching;

  /** Where a steal starts, so that workers do not all rob the same one first. */
  private int stealSeed;

  /**
   * What this worker parks through when asleep ({@link IoMode#PER_WORKER}: its I/O driver, which
   * selects), or null for {@code LockSupport}. Installed once, by {@link
   * WorkStealingScheduler#parker}, possibly while this worker runs.
   */
  volatile Parker parker;

  /** Counts the tasks run since the parker last looked at its selector without blocking. */
  private int sinceParkerPolled;

  Worker(WorkStealingScheduler scheduler, int index, ThreadGroup group, String name, long stack) {
    super(group, null, name, stack);
    this.scheduler = scheduler;
    this.index = index;
    this.queue = new LocalQueue<>(WorkStealingScheduler.LOCAL_QUEUE_CAPACITY);
    this.stealSeed = index * 0x9E3779B9 + 1;
    setDaemon(true);
  }

  @Override
  public void run() {
    AsyncRuntime.enterWorker(scheduler.runtime);
    while (!scheduler.isStopped()) {
      Task<?> task = findTask();
      if (task != null) {
        runFound(task);
        continue;
      }
      while (scheduler.idle.isAsleep(index) && !scheduler.isStopped()) {
        if (park()) {
          break;
        }
      }
      wokenUp();
    }
    leave();
  }

  /**
   * At the stop, as this worker leaves its loop: gives up what it still holds, its LIFO slot and
   * its local queue. Only a wake that raced the stop can have put a live task there (the shutdown
   * gave up every task live before it stopped the workers): an outside wake this worker took from
   * the injection queue with its batch just before the stop, say. Left there, such a task stayed
   * live and unrun for ever (a review found it; {@link WorkStealingScheduler#stop()} drains the
   * injection queue the same way). Package-private for WorkStealingStopStrandTest.
   */
  void leave() {
    Task<?> task = lifo;
    lifo = null;
    if (task == null) {
      task = queue.pop();
    }
    while (task != null) {
      scheduler.giveUpLeftBehind(task);
      task = queue.pop();
    }
  }

  /**
   * Runs a task this worker found, then lets the parker look at its selector now and then. A task
   * whose entry finds it not scheduled is skipped ({@link Task#runIfScheduled}): a shutdown giving
   * up on it has taken it meanwhile (package-private for WorkStealingGiveUpRaceTest).
   *
   * @param task the task {@link #findTask} returned
   */
  void runFound(Task<?> task) {
    task.runIfScheduled();
    pollParkerNowAndThen();
  }

  /**
   * Parks once while asleep: through {@link #parker} (a select) if one is installed. Readiness
   * its selector reports wakes tasks on this thread, into this worker's own LIFO slot and queue;
   * nobody else will wake this worker for them, so it takes its sleep back and runs them.
   *
   * @return whether it took its sleep back: it is awake and counted as searching (package-private
   *     for WorkStealingSelectParkModelCheckTest, which steps it)
   */
  boolean park() {
    Parker p = parker;
    if (p == null) {
      LockSupport.park(this);
      return false;
    }
    p.park(Long.MAX_VALUE);
    if (lifo != null || !queue.isEmpty()) {
      scheduler.idle.cancelSleep(index); // or a queuer woke it first: awake and searching either way
      return true;
    }
    return false;
  }

  /**
   * Every {@link #GLOBAL_QUEUE_INTERVAL} tasks, lets the parker look at its selector without
   * blocking, so that readiness on this worker's sockets is not starved while it always has a
   * task (it wakes their tasks into this worker's queue).
   */
  private void pollParkerNowAndThen() {
    Parker p = parker;
    if (p != null && ++sinceParkerPolled >= GLOBAL_QUEUE_INTERVAL) {
      sinceParkerPolled = 0;
      p.park(0);
    }
  }

  /**
   * One look for work: this worker's own, else elsewhere as a searcher, else it falls asleep (and
   * must park until {@link Idle#isAsleep} says otherwise, then call {@link #wokenUp}).
   *
   * @return a task to run, or null if this worker fell asleep (or took its sleep back)
   */
  Task<?> findTask() {
    Task<?> task = next();
    if (task == null) {
      task = search();
    } else if (searching) {
      // Woken as a searcher, it found work in its own place (the injection queue): stop counting
      // as searching, or queuers would leave sleepers asleep while this worker is busy.
      stopSearching();
    }
    if (task == null) {
      prepareToSleep();
    }
    return task;
  }

  /** After a sleep: whoever ended it (a queuer, or this worker's last look) counted it searching. */
  void wokenUp() {
    searching = true;
  }

  /**
   * The next task of this worker's own: the injection queue's every {@link
   * #GLOBAL_QUEUE_INTERVAL} tasks, else the LIFO slot, the local queue, a batch of the injection
   * queue.
   *
   * @return a task, or null if this worker has none and the injection queue is empty
   */
  Task<?> next() {
    int ticks = tick + 1;
    // Ordering: opaque, so that the count reaches the others' looks (stealFromStalled) while this
    // thread runs; a plain mov on x86.
    TICK.setOpaque(this, ticks);
    if (ticks % GLOBAL_QUEUE_INTERVAL == 0) {
      Task<?> task = scheduler.injection.poll();
      if (task == null) {
        task = stealFromStalled();
      }
      if (task != null) {
        return task;
      }
    }
    Task<?> task = lifo;
    if (task != null) {
      lifo = null;
      if (lifoPolls < MAX_LIFO_POLLS) {
        lifoPolls++;
        return task;
      }
      // Two tasks passing messages back and forth would keep the queue waiting: queue it.
      pushLocal(task);
    }
    lifoPolls = 0;
    task = queue.pop();
    if (task != null || pullInjection() == 0) {
      return task;
    }
    return queue.pop();
  }

  /**
   * Moves a batch of the injection queue, in order, to the back of the local queue (where others
   * may steal it), so that the injection queue's head is not hit once per task.
   *
   * @return how many tasks moved
   */
  int pullInjection() {
    int room = Math.min(WorkStealingScheduler.INJECTION_BATCH, queue.capacity() - queue.size());
    int moved = 0;
    while (moved < room) {
      Task<?> task = scheduler.injection.poll();
      if (task == null) {
        break;
      }
      // Only this thread pushes, and stealers only shrink the queue: there is room.
      pushLocal(task);
      moved++;
    }
    return moved;
  }

  /**
   * Looks for work elsewhere, as a searching worker: steals half of another worker's queue, or
   * takes from the injection queue.
   *
   * @return a task to run, or null
   */
  Task<?> search() {
    if (!searching && !(searching = scheduler.idle.startSearching())) {
      return null;
    }
    Task<?> task = stealOrPull();
    if (task != null) {
      stopSearching();
    }
    return task;
  }

  /**
   * Takes tasks queued on a worker that took no task since this worker last looked at it: a worker
   * inside one long poll, or a thread the operating system took its core from. A busy worker never
   * searches, so without this a task queued there (an outside wake the stalled worker took in with
   * its batch of the injection queue, a task pushed out of its LIFO slot) would wait for that
   * worker to run again while this one runs its own tasks, a yielding loop for instance. Every
   * {@link #GLOBAL_QUEUE_INTERVAL} tasks this worker looks at one other worker, in turn, so a look
   * costs one read of another thread's counter whatever the number of workers; half the stalled
   * worker's queue moves here, as in a search, as much as this queue has room for. The LIFO slot
   * stays (as tokio's does: only its owner touches it). Reading it and running its task without
   * taking it was tried (docs/benchmarks.md section 19): a task that yields then kept two entries,
   * each of which ran it, for good.
   *
   * @return a task to run, or null if the worker looked at is not stalled with tasks queued
   */
  Task<?> stealFromStalled() {
    Worker[] workers = scheduler.workers;
    int n = workers.length;
    if (n < 2) {
      return null;
    }
    int[] seen = seenTicks;
    if (seen == null) {
      seenTicks = seen = new int[n];
      Arrays.fill(seen, -1);
    }
    int v = nextToWatch == index ? (nextToWatch + 1) % n : nextToWatch;
    nextToWatch = (v + 1) % n;
    Worker victim = workers[v];
    // Ordering: opaque, a hint only: a stale count at worst delays the steal by a round of looks,
    // or takes tasks from a worker that just went on (it would have run them after its current
    // one).
    int ticks = (int) TICK.getOpaque(victim);
    boolean stalled = ticks == seen[v];
    seen[v] = ticks;
    if (!stalled || victim.queue.isEmpty()) {
      return null;
    }
    Task<?> task = victim.queue.stealInto(queue);
    if (task != null && !queue.isEmpty()) {
      // This worker does not count as searching: while it moved them, the tasks were in neither
      // queue for a last searcher's look before it fell asleep (Idle's promise: the queuer or the
      // last searcher sees new work). So it announces them as a queuer does; it is busy, and a
      // sleeper may take them (StalledStealSleepModelCheckTest).
      scheduler.notifyOne();
    }
    return task;
  }

  /** Stops searching, having found work; the last searcher wakes another if work is left. */
  private void stopSearching() {
    searching = false;
    if (scheduler.idle.stopSearching() && scheduler.hasWorkFor(this)) {
      scheduler.notifyOne();
    }
  }

  /** @return a task stolen from another worker or pulled from the injection queue, or null */
  private Task<?> stealOrPull() {
    Worker[] workers = scheduler.workers;
    int n = workers.length;
    stealSeed ^= stealSeed << 13;
    stealSeed ^= stealSeed >>> 17;
    stealSeed ^= stealSeed << 5;
    int start = Math.floorMod(stealSeed, n);
    for (int i = 0; i < n; i++) {
      Worker victim = workers[(start + i) % n];
      if (victim != this) {
        Task<?> task = victim.queue.stealInto(queue);
        if (task != null) {
          return task;
        }
      }
    }
    return pullInjection() > 0 ? queue.pop() : null;
  }

  /**
   * Puts this worker to sleep in {@link Idle}; if it was the last searcher, looks everywhere once
   * more and takes the sleep back if there is work (see {@link Idle}).
   *
   * @return whether it must park (false: it is awake again, counted as searching; see {@link
   *     #wokenUp})
   */
  boolean prepareToSleep() {
    boolean wasSearching = searching;
    searching = false;
    if (scheduler.idle.sleep(index, wasSearching) && scheduler.hasWorkFor(this)) {
      scheduler.idle.cancelSleep(index);
      return false;
    }
    return true;
  }

  /** Pushes on the local queue, or the injection queue if it is full. */
  void pushLocal(Task<?> task) {
    if (!queue.push(task)) {
      scheduler.injection.add(task);
    }
  }
}
