// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The multi-threaded scheduler, on tokio's design: one {@link Worker} thread per core, each with a
 * bounded {@link LocalQueue} that the others steal half of when they run dry, a LIFO slot for the
 * task just woken by the task it runs, and one injection queue for everything that comes from
 * outside (wakes from other threads, timers, spawns from outside). Idle workers sleep; {@link Idle}
 * wakes at most one of them per piece of new work, and only when no awake worker would find it.
 *
 * <p>Where a scheduled task goes:
 *
 * <ul>
 *   <li>woken on one of this scheduler's workers (by the task running there, or spawned by it):
 *       that worker's LIFO slot, so a reply to a message runs next, on the same core, its data
 *       still in cache; the task that was in the slot moves to the back of the local queue;
 *   <li>woken while it ran ({@link #scheduleYielded}): the worker first moves a batch of the
 *       injection queue into its local queue, then queues the task behind them, so a task that
 *       yields in a loop lets every task ready on this worker, and the outside ones, run first;
 *   <li>woken from any other thread: the back of the injection queue.
 * </ul>
 *
 * <p>Fairness: the LIFO slot serves at most {@link Worker#MAX_LIFO_POLLS} tasks in a row, and every
 * {@link Worker#GLOBAL_QUEUE_INTERVAL}th task comes from the injection queue, so neither a
 * ping-pong pair nor a full local queue keeps outside work waiting; and at that same moment, when
 * the injection queue is empty, a worker looks at another one ({@link Worker#stealFromStalled}) and
 * takes half its queue if it ran no task since the last look (one long poll, or no core), so the
 * tasks queued behind a stalled worker do not wait for it while the others are busy.
 *
 * <p>With {@link IoMode#PER_WORKER}, {@link #parker} installs a {@link Parker} on every worker (an
 * I/O driver's selector, on {@code IoDriver.of(runtime)}'s first call): a sleeping worker parks by
 * selecting, a wake of it goes through its parker ({@link #unpark}), and readiness that its
 * selector reports wakes tasks into its own LIFO slot, which it then runs itself.
 */
final class WorkStealingScheduler implements Scheduler {

  /** Slots of each worker's local queue (tokio's value). */
  static final int LOCAL_QUEUE_CAPACITY = 256;

  /** At most this many tasks move from the injection queue to a local queue at once. */
  static final int INJECTION_BATCH = 32;

  /** The runtime whose tasks the workers run (made current on each worker). */
  final AsyncRuntime runtime;

  /** The workers; a worker's index is its place here. */
  final Worker[] workers;

  /** Who is awake, searching, asleep. */
  final Idle idle;

  /** Tasks from outside the workers, in arrival order. Lock-free: a wake never blocks here. */
  final ConcurrentLinkedQueue<Task<?>> injection = new ConcurrentLinkedQueue<>();

  /** Set by {@link #stop()}: workers exit, schedules drop their task. Written under {@code this}. */
  private volatile boolean stopped;

  /** Where the workers' sockets are selected: whether {@link #parker} installs parkers. */
  private final IoMode io;

  /** Per worker, its installed parker; null until {@link #parker}'s first call. Written under this. */
  private volatile Parker[] parkers;

  /** Picks a worker's parker round robin for calls from outside the workers. */
  private final AtomicInteger nextParker = new AtomicInteger();

  /**
   * @param runtime the runtime whose tasks run here
   * @param workers how many worker threads
   * @param name the runtime's name, for the threads' names
   * @param stackSize each worker's stack, in bytes (see {@code AsyncRuntime.Builder.workerStackSize})
   */
  WorkStealingScheduler(AsyncRuntime runtime, int workers, String name, long stackSize) {
    this(runtime, workers, name, stackSize, IoMode.DRIVER_THREAD);
  }

  /** As above, with the workers' sockets selected where {@code io} says. */
  WorkStealingScheduler(AsyncRuntime runtime, int workers, String name, long stackSize, IoMode io) {
    this(runtime, workers, name, stackSize, io, /* start = */ true);
  }

  /** As above; tests pass {@code start = false} to drive the workers' steps by hand. */
  WorkStealingScheduler(
      AsyncRuntime runtime, int workers, String name, long stackSize, boolean start) {
    this(runtime, workers, name, stackSize, IoMode.DRIVER_THREAD, start);
  }

  /** The constructor all others call. */
  WorkStealingScheduler(AsyncRuntime runtime, int workers, String name, long stackSize, IoMode io,
      boolean start) {
    this.runtime = runtime;
    this.io = io;
    this.idle = new Idle(workers);
    this.workers = new Worker[workers];
    for (int i = 0; i < workers; i++) {
      this.workers[i] = new Worker(this, i, null, name + "-worker-" + (i + 1), stackSize);
    }
    if (start) {
      for (Worker w : this.workers) {
        w.start();
      }
    }
  }

  @Override
  public void schedule(Task<?> task) {
    if (stopped) {
      throw stoppedError();
    }
    if (Thread.currentThread() instanceof Worker w && w.scheduler == this) {
      scheduleLocal(w, task);
      return;
    }
    injection.add(task);
    notifyOne();
    refuseIfStoppedMeanwhile();
  }

  /**
   * After a task was added to the injection queue from outside the workers: if {@link #stop()}
   * began meanwhile, its workers may have left without looking at the queue, so the task may never
   * run. Ordering: the add is a CAS on the queue and {@link #stopped} is volatile, and stop() sets
   * stopped before it drains the queue: either this read sees stopped, and the refusal makes the
   * runtime give the task up ({@code lostWake}), or the drain finds the entry and gives it up.
   * Giving up twice is harmless (the task's state admits one), and a worker that pops an entry
   * given up on skips it.
   */
  private void refuseIfStoppedMeanwhile() {
    if (stopped) {
      throw stoppedError();
    }
  }

  /**
   * Schedules {@code task}, woken on worker {@code w}'s own thread (by the task it runs, or by
   * readiness its selector reported while it parked), into {@code w}'s LIFO slot.
   *
   * @param w the worker whose thread this is
   * @param task the woken task
   */
  void scheduleLocal(Worker w, Task<?> task) {
    Task<?> previous = w.lifo;
    w.lifo = task;
    if (previous != null) {
      w.pushLocal(previous);
      notifyOne();
    }
  }

  @Override
  public void scheduleYielded(Task<?> task) {
    if (stopped) {
      throw stoppedError();
    }
    if (Thread.currentThread() instanceof Worker w && w.scheduler == this) {
      // Behind what waits outside, not only behind this worker's queue: take a batch first.
      int outside = w.pullInjection();
      w.pushLocal(task);
      if (outside > 0) {
        notifyOne();
      }
      return;
    }
    injection.add(task);
    notifyOne();
    refuseIfStoppedMeanwhile();
  }

  /** Wakes a sleeping worker for work just queued, if no awake worker would find it. */
  void notifyOne() {
    // Ordering: the work was queued before this fence and the read of the idle word after it; a
    // worker falling asleep writes the word (a volatile RMW), then looks at the queues. Either we
    // see it asleep, or it sees the work.
    VarHandle.fullFence();
    int worker = idle.workerToNotify();
    if (worker >= 0) {
      unpark(workers[worker]);
    }
  }

  /**
   * Ends {@code w}'s park: through its parker if it has one (a selector is woken only if the
   * worker is blocked in it), else {@code LockSupport}. Never throws, never blocks.
   */
  static void unpark(Worker w) {
    Parker p = w.parker;
    if (p != null) {
      p.unpark();
      return;
    }
    LockSupport.unpark(w);
    // Ordering: a parker installed since our read was unparked by its installer after it was
    // written; read again so that a worker that switched to it meanwhile is unparked there too.
    p = w.parker;
    if (p != null) {
      p.unpark();
    }
  }

  /**
   * Returns the calling worker's parker, or, from another thread, one worker's chosen round
   * robin; the first call installs one made by {@code make} on every worker (each then parks
   * through it). Null unless this runtime was built with {@link IoMode#PER_WORKER}.
   *
   * @param make makes one worker's parker; called once per worker, on the first call
   * @return a worker's parker, or null
   * @throws IllegalStateException once stopped: a parker made now would never be stopped
   */
  Parker parker(Supplier<? extends Parker> make) {
    if (io != IoMode.PER_WORKER) {
      return null;
    }
    Parker[] installed = parkers;
    if (installed == null || stopped) {
      installed = install(make); // refuses once stopped, as the current-thread runtime does
    }
    if (Thread.currentThread() instanceof Worker w && w.scheduler == this) {
      return installed[w.index];
    }
    return installed[Math.floorMod(nextParker.getAndIncrement(), installed.length)];
  }

  /** Makes and installs the workers' parkers, once; a worker parked meanwhile parks again there. */
  private synchronized Parker[] install(Supplier<? extends Parker> make) {
    if (stopped) {
      throw runtime.socketsRefused();
    }
    Parker[] installed = parkers;
    if (installed != null) {
      return installed;
    }
    installed = new Parker[workers.length];
    try {
      for (int i = 0; i < installed.length; i++) {
        installed[i] = make.get();
      }
    } catch (RuntimeException | Error e) {
      // A selector could not be opened (out of descriptors, say): give back those that were.
      for (Parker p : installed) {
        if (p != null) {
          p.stop();
        }
      }
      throw e;
    }
    for (int i = 0; i < installed.length; i++) {
      Worker w = workers[i];
      w.parker = installed[i];
      // Ordering: after the volatile write, so that a worker that reads the new parker finds its
      // permit (and goes round its loop once more), and one still in LockSupport.park comes out.
      installed[i].unpark();
      LockSupport.unpark(w);
    }
    parkers = installed;
    return installed;
  }

  /** @return whether some queue other than {@code self}'s LIFO slot holds a task */
  boolean hasWorkFor(Worker self) {
    if (!injection.isEmpty()) {
      return true;
    }
    for (Worker w : workers) {
      if (!w.queue.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /**
   * @return the refusal of a task woken after {@link #stop()}: the runtime gives it up (only a
   *     task its shutdown missed can still be woken, which would otherwise stay live forever)
   */
  private IllegalStateException stoppedError() {
    return new IllegalStateException("runtime " + runtime.name() + " is stopped");
  }

  /** @return whether {@link #stop()} was called */
  boolean isStopped() {
    return stopped;
  }

  @Override
  public void stop() {
    Parker[] installed;
    synchronized (this) {
      stopped = true; // under the lock: no parker is installed from now on
      installed = parkers;
    }
    for (Worker w : workers) {
      unpark(w);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    for (Worker w : workers) {
      long left = deadline - System.nanoTime();
      if (w == Thread.currentThread() || left <= 0) {
        continue;
      }
      try {
        w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        // Stop waiting, but still close the selectors below (each holds two descriptors); the
        // interrupt is kept for the caller.
        Thread.currentThread().interrupt();
        break;
      }
    }
    // The selectors close once their workers left them; a worker still in its turn after the wait
    // (one that outlived it) is woken, and closes its own selector as that turn ends.
    if (installed != null) {
      for (Parker p : installed) {
        p.stop();
      }
    }
    // What is left was given up on by the runtime, but for a wake that raced this stop (see
    // refuseIfStoppedMeanwhile): given up here, on the stopping thread.
    for (Task<?> task; (task = injection.poll()) != null; ) {
      giveUpLeftBehind(task);
    }
  }

  /**
   * Gives up a task found in a queue after the stop (the injection queue, or a leaving worker's
   * own), unless it is complete: only a wake that raced the stop can have left a live one there.
   *
   * @param task the task of the queue entry
   */
  void giveUpLeftBehind(Task<?> task) {
    if (!task.isComplete()) {
      runtime.lostWake(task, stoppedError());
    }
  }
}
