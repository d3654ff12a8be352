// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Async;
import dev.tinyrt.Future;
import dev.tinyrt.internal.CallSite;
import dev.tinyrt.internal.Nanos;
import dev.tinyrt.internal.RuntimeThreads;
import dev.tinyrt.internal.StageFuture;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An executor of tasks, tokio's {@code Runtime}: {@link #blockOn} a future on this thread, {@link
 * #spawn} tasks beside it, and {@link #close} it to shut down gracefully (stop accepting tasks, let
 * the running ones finish until a deadline, then cancel the rest).
 *
 * <pre>{@code
 * try (AsyncRuntime rt = AsyncRuntime.multiThread()) {
 *   JoinHandle<Long> total = rt.spawn(cartTotal(socks, shoes));
 *   System.out.println(rt.blockOn(total));
 * }
 * }</pre>
 *
 * <p>Two kinds: {@link #currentThread()} runs its tasks on the thread that calls {@code blockOn}
 * (or {@code close}); {@link #multiThread()} runs them on worker threads, one per core by default,
 * and an await may resume on another thread than it started on.
 */
public final class AsyncRuntime implements AutoCloseable {

  /** The runtime whose task the current thread is running, if any. */
  private static final ThreadLocal<AsyncRuntime> CURRENT = new ThreadLocal<>();

  /**
   * The multi-threaded runtime whose tasks the current thread polls for its whole life (set by
   * {@link #enterWorker}), or null: {@link #shutdown} refuses to run on a worker of its own runtime.
   */
  private static final ThreadLocal<AsyncRuntime> WORKER_OF = new ThreadLocal<>();

  /** How long {@link #close()} lets tasks finish before cancelling them. */
  public static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(10);

  /** How long cancelled tasks get to unwind, after the deadline, before the workers stop. */
  private static final Duration UNWIND_GRACE = Duration.ofSeconds(1);

  private static final AtomicInteger RUNTIMES = new AtomicInteger();

  /** Where woken tasks go. */
  private final Scheduler scheduler;

  /** Non-null for a current-thread runtime: the same object as {@link #scheduler}. */
  private final CurrentThreadScheduler local;

  /** Runs {@link #spawnBlocking} work: the builder's, or ours, made on first use. */
  private volatile ExecutorService blocking;

  /** Whether {@link #blocking} is ours to shut down. */
  private final boolean ownsBlocking;

  /**
   * Set by the shutdown's end, under this runtime's monitor, when it shuts our blocking pool down
   * (or finds none): from then on no pool is made, and {@code spawnBlocking} refuses.
   */
  private volatile boolean blockingClosed;

  /** The live tasks, to cancel them at the shutdown deadline. */
  private final TaskList live = new TaskList();

  /** Signals {@link #shutdown} when the last live task finishes. */
  private final ReentrantLock lock = new ReentrantLock();

  private final Condition allFinished = lock.newCondition();

  /**
   * Set once {@link #shutdown} began: a spawn from outside the runtime is refused; its tasks may
   * still spawn until {@link #refusingAll}.
   */
  private volatile boolean shuttingDown;

  /**
   * Set once the shutdown's graceful wait ended (its tasks finished, or the deadline passed):
   * every spawn is refused, a task's too.
   */
  private volatile boolean refusingAll;

  /**
   * Set once {@link #shutdown} gave up on the tasks that did not finish unwinding in time: each
   * is completed as cancelled, and wakes of it do nothing.
   */
  private volatile boolean gaveUp;

  /** For messages and thread names. */
  private final String name;

  /** The timer of {@code Tasks.sleep} and {@code Tasks.timeout}: the builder's, or the system's. */
  private final Timer timer;

  private AsyncRuntime(Builder b) {
    this.name = b.name != null ? b.name : "tinyrt-" + RUNTIMES.incrementAndGet();
    if (b.scheduler != null) {
      this.local = null;
      this.scheduler = b.scheduler.apply(this);
    } else if (b.workers == 0) {
      this.local = new CurrentThreadScheduler(this);
      this.scheduler = local;
    } else {
      this.local = null;
      this.scheduler = switch (b.pool) {
        case WORK_STEALING ->
            new WorkStealingScheduler(this, b.workers, name, b.workerStackSize, b.io);
        case FORK_JOIN -> new ForkJoinScheduler(this, b.workers, name, b.workerStackSize);
        case SHARED_QUEUE -> new SharedQueueScheduler(this, b.workers, name, b.workerStackSize);
      };
    }
    this.timer = b.timer;
    this.ownsBlocking = b.blocking == null;
    this.blocking = b.blocking;
    RuntimeMBeans.register(this); // with -Dtinyrt.jmx=true: a task dump from outside
  }

  /** @return a runtime whose tasks run on the thread that drives it with {@code blockOn} */
  public static AsyncRuntime currentThread() {
    return builder().currentThread().build();
  }

  /** @return a multi-threaded runtime with one worker per core */
  public static AsyncRuntime multiThread() {
    return builder().build();
  }

  /** @return a builder, by default for a multi-threaded runtime with one worker per core */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the runtime of the task running on this thread.
   *
   * @return the runtime
   * @throws IllegalStateException outside a task (and outside {@code blockOn})
   */
  public static AsyncRuntime current() {
    return current("AsyncRuntime.current()", "call it from inside a task or a runtime's blockOn");
  }

  /**
   * Returns the runtime of the task running on this thread (or of the {@code blockOn} it is in),
   * if any: what {@link #current()} returns, without throwing outside a runtime.
   *
   * @return the runtime, or empty outside every task and {@code blockOn}
   */
  public static Optional<AsyncRuntime> tryCurrent() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * Returns the runtime of the task running on this thread, or throws a message that names the
   * call and its fix.
   *
   * @param call what needed the runtime, e.g. {@code "Tasks.timeout"}
   * @param fix what to do outside a task, e.g. {@code "use rt.timer().timeout(future, d)"}
   */
  static AsyncRuntime current(String call, String fix) {
    AsyncRuntime rt = CURRENT.get();
    if (rt == null) {
      throw new IllegalStateException(
          call + " was called in " + CallSite.callerOutside(AsyncRuntime.class, Tasks.class)
              + " on thread " + Thread.currentThread().getName() + ", outside any "
              + "tinyrt task: it uses the runtime of the task that calls it. From outside a "
              + "task, " + fix + ".");
    }
    return rt;
  }

  static AsyncRuntime enter(AsyncRuntime rt) {
    AsyncRuntime previous = CURRENT.get();
    CURRENT.set(rt);
    return previous;
  }

  /**
   * Called once by each thread that polls this runtime's tasks, before its first task: makes the
   * runtime current there (for {@code Tasks.spawn}) and marks the thread so that {@code blockOn}
   * refuses to block it.
   *
   * @param rt the runtime whose tasks the thread runs
   */
  static void enterWorker(AsyncRuntime rt) {
    CURRENT.set(rt);
    WORKER_OF.set(rt);
    RuntimeThreads.mark("runtime " + rt.name);
  }

  static void leave(AsyncRuntime previous) {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }

  /**
   * Spawns {@code future} as a task. It starts at once on a worker (on a current-thread runtime,
   * when the runtime is next driven).
   *
   * @param future the future to run
   * @param <T> its value type
   * @return the task's handle
   * @throws RejectedExecutionException once the runtime is shutting down: from its start for a
   *     spawn from outside the runtime; for one from its own tasks (or its {@code blockOn}), once
   *     the shutdown's deadline passed or every task finished
   */
  public <T> JoinHandle<T> spawn(Future<T> future) {
    Objects.requireNonNull(future, "future");
    if (shuttingDown && refusesSpawn()) {
      throw spawnRefused();
    }
    Task<T> task = new Task<>(future, this);
    live.add(task);
    // A shutdown step that began since the check above may have counted the live tasks before
    // this one was added, found none, and be stopping the workers: this task would stay live and
    // unrun for ever. Ordering: the add is an atomic increment of the count and both flags are
    // volatile, and a shutdown sets each flag before it reads the count, so of the two at least
    // one sees the other: either the shutdown counts this task (and waits for it, or cancels it),
    // or this read sees the step, and the task is cancelled before it ever runs (the abort's wake
    // queues it, or, on a stopped runtime, gives it up at once) and the spawn refused.
    if (shuttingDown && refusesSpawn()) {
      task.abort();
      throw spawnRefused();
    }
    task.wake();
    return task;
  }

  /**
   * Whether a spawn on this thread is refused, once the shutdown began: every one after its
   * graceful wait; before, those from outside. A task still running may spawn (a dispatcher that
   * hands each request to a task of its own finishes its work), and the shutdown waits for those
   * tasks too, within the same deadline.
   */
  private boolean refusesSpawn() {
    return refusingAll || CURRENT.get() != this;
  }

  /** @return the refusal of a spawn once the runtime is shutting down */
  private RejectedExecutionException spawnRefused() {
    return new RejectedExecutionException(refusingAll
        ? "runtime " + name + " is shutting down and accepts no new task"
        : "runtime " + name + " is shutting down and accepts no new task from outside (its "
            + "running tasks may still spawn until the shutdown's deadline)");
  }

  /**
   * Drives {@code future} to completion on this thread, with this runtime current (so it can
   * spawn). On a current-thread runtime, the spawned tasks run here too, in between.
   *
   * @param future the future
   * @param <T> its value type
   * @return its value; its exception is rethrown unchanged
   */
  public <T> T blockOn(Future<T> future) {
    RuntimeThreads.refuseBlocking("AsyncRuntime.blockOn", AsyncRuntime.class);
    if (local != null) {
      // The scheduler's drive makes this runtime current and marks the thread as running tasks.
      return new LocalBlockOn<>(future).run(local);
    }
    AsyncRuntime previous = enter(this);
    try {
      // Polled on this thread, as a current-thread runtime's is: watched for slow polls alike.
      return Async.blockOn(SlowPolls.ENABLED // off: no code
          ? cx -> SlowPolls.poll(future, cx, "the future of blockOn") : future);
    } finally {
      leave(previous);
    }
  }

  /**
   * Runs blocking work on a separate pool (this runtime's, or the one given to its builder), so it
   * does not hold up the workers.
   *
   * @param work the blocking work
   * @param <T> its value type
   * @return a future of its result; its exception is thrown unchanged
   * @throws RejectedExecutionException once the runtime's shutdown has finished (until then, while
   *     it waits for its tasks, they may still hand blocking clean-up here), on either pool
   */
  public <T> Future<T> spawnBlocking(Callable<T> work) {
    Objects.requireNonNull(work, "work");
    return StageFuture.of(CompletableFuture.supplyAsync(() -> {
      try {
        return work.call();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, blockingPool()));
  }

  private ExecutorService blockingPool() {
    if (blockingClosed) {
      throw blockingRefused(); // the shutdown finished: whichever pool, refused alike
    }
    ExecutorService pool = blocking;
    if (pool == null) {
      synchronized (this) {
        pool = blocking;
        if (pool == null) {
          if (blockingClosed) {
            // Shut down before its first blocking work: a pool made now would never be shut
            // down.
            throw blockingRefused();
          }
          pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-blocking");
            t.setDaemon(true);
            return t;
          });
          blocking = pool;
        }
      }
    }
    return pool;
  }

  /** @return the refusal of a spawnBlocking once the shutdown finished */
  private RejectedExecutionException blockingRefused() {
    return new RejectedExecutionException("runtime " + name + " is shut down and accepts no new "
        + "blocking work (spawnBlocking)");
  }

  /**
   * Returns what this current-thread runtime's driving thread does when it has no task to run,
   * installing the parker {@code make} returns on the first call: {@code IoDriver.of(runtime)}
   * installs an I/O driver that selects there, so its sockets need no thread of their own. On a
   * multi-threaded runtime built with {@link IoMode#PER_WORKER}, each worker's parker: the first
   * call installs one made by {@code make} on every worker, and each call returns the calling
   * worker's, or, from another thread, one chosen round robin.
   *
   * @param make makes the parker, called at most once per runtime (once per worker)
   * @return the installed parker; null on a multi-threaded runtime whose workers park on their own
   *     (its sockets use a driver with a thread)
   * @throws IllegalStateException on a runtime that is shut down
   */
  public Parker parker(Supplier<? extends Parker> make) {
    Objects.requireNonNull(make, "make");
    if (local != null) {
      return local.parker(make);
    }
    return scheduler instanceof WorkStealingScheduler ws ? ws.parker(make) : null;
  }

  /** @return the scheduler of a current-thread runtime (for tests), or null */
  CurrentThreadScheduler localScheduler() {
    return local;
  }

  /** @return the timer this runtime's tasks sleep on (the system timer, unless the builder gave one) */
  public Timer timer() {
    return timer != null ? timer : Timer.system();
  }

  /** Queues a woken task. Never throws: a wake never throws, whoever calls it and whenever. */
  void schedule(Task<?> task) {
    try {
      scheduler.schedule(task);
    } catch (RuntimeException | Error refused) {
      lostWake(task, refused);
    }
  }

  /** Queues a task that woke itself while it ran, behind everything ready. Never throws. */
  void scheduleYielded(Task<?> task) {
    try {
      scheduler.scheduleYielded(task);
    } catch (RuntimeException | Error refused) {
      lostWake(task, refused);
    }
  }

  /**
   * A scheduler refused a task (its workers stopped, or no memory for a queue slot): the task can
   * never run again, so it is completed as cancelled rather than left live with its awaiters
   * waiting forever. One exception: a current-thread runtime's task refused on a thread that does
   * not drive that runtime (for want of memory for a queue chunk) may be mid-poll on the driving
   * thread, so it only gets a cancellation request, delivered by its next wake; with no further
   * wake it is finished by the runtime's shutdown, when it gives up on what is left. If the
   * runtime stopped and nobody drives it, the refused thread claims it and completes the task. (A
   * current-thread runtime does not refuse a wake after its stop: it gives the task up itself.)
   */
  void lostWake(Task<?> task, Throwable refused) {
    System.getLogger("dev.tinyrt").log(System.Logger.Level.DEBUG,
        "runtime " + name + " could not queue " + task + "; it is cancelled", refused);
    try {
      task.giveUp(GiveUpReason.WAKE_REFUSED);
    } catch (RuntimeException | Error failed) {
      // Thrown on, it would come out of a wake (which never throws) or end a stopping runtime's
      // drain half-way, leaving the rest live. (An awaiter's throwing Waker does not get here on a
      // multi-threaded runtime: the completion logs it.)
      System.getLogger("dev.tinyrt").log(System.Logger.Level.WARNING, task.isComplete()
          ? "runtime " + name + " gave up " + task + ", and a Waker of its awaiters threw: "
              + "Waker.wake() must not throw; catch inside it what it calls"
          : "runtime " + name + " failed to give up " + task + ", which stays unfinished", failed);
    }
  }

  /**
   * @return the refusal of a runtime's I/O (its parkers) once it is shut down: a selector made now
   *     would never be closed
   */
  IllegalStateException socketsRefused() {
    return new IllegalStateException(CallSite.withUserCode("runtime " + name + " is shut down: open "
        + "its sockets before close(), or give them a driver with a thread, IoDriver.open()",
        "the socket was opened in"));
  }

  /** @return whether the shutdown gave up on the tasks that did not finish unwinding */
  boolean gaveUp() {
    return gaveUp;
  }

  void finished(Task<?> task) {
    if (live.remove(task) == 0 && shuttingDown) {
      lock.lock();
      try {
        allFinished.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** @return the runtime's name, as in its threads' names and its messages */
  public String name() {
    return name;
  }

  /** @return the live-task list, for a current-thread driver's batched removals */
  TaskList liveList() {
    return live;
  }

  /** @return the live tasks now, for {@link TaskDump} */
  List<Task<?>> liveSnapshot() {
    return live.snapshot();
  }

  /** @return how many spawned tasks have not finished */
  public int liveTasks() {
    return live.size();
  }

  /** @return whether shutdown began */
  public boolean isShutdown() {
    return shuttingDown;
  }

  /**
   * Shuts down gracefully: refuses new tasks from outside, lets the live ones finish until {@code
   * deadline}, then cancels the rest (each gets {@code CancelledException} at its await and
   * unwinds), then stops the workers. Until the deadline (or until every task finished) the
   * runtime's own tasks may still spawn, and the shutdown waits for what they spawn too; from then
   * on every spawn is refused. A task in the middle of a poll (a long computation, a blocking call)
   * cannot be stopped there: the shutdown returns {@code false} after the deadline, a second for
   * the tasks to unwind and up to a second for the workers to stop, and that task completes as
   * cancelled when its poll returns.
   *
   * <p>A current-thread runtime runs its tasks here meanwhile, so it must not be driven by another
   * thread: close it on the thread that called {@code blockOn}, after {@code blockOn} returns.
   *
   * @param deadline how long to wait for tasks to finish on their own (zero or negative: no
   *     waiting, only what finishes without it; over about 146 years, {@code ChronoUnit.FOREVER}'s
   *     say: wait for them)
   * @return whether every task finished before the deadline, without cancellation
   * @throws IllegalStateException on a current-thread runtime driven by a thread now (in {@code
   *     blockOn}, this one or another), on a worker thread of this multi-threaded runtime (in one
   *     of its tasks, which the shutdown would wait for), or, while tasks are live, on one of
   *     tinyrt's own threads (in a waker the timer runs): nothing was changed, the runtime runs on
   */
  public boolean shutdown(Duration deadline) {
    refuseOnServiceThread();
    if (local == null) {
      refuseOnOwnWorker();
      return shutdownClaimed(deadline);
    }
    // A current-thread runtime is shut down by the thread that drives it: claimed before any
    // state changes, so that a close racing a blockOn on another thread (or called inside it)
    // fails whole and leaves the runtime as it was, and no blockOn starts while it shuts down.
    local.claim("close()", "close the runtime after blockOn returns");
    try {
      return shutdownClaimed(deadline);
    } finally {
      local.release();
    }
  }

  /**
   * Throws if the calling thread is a worker of this (multi-threaded) runtime while tasks are
   * live: called by a task, that task is one of the live tasks the shutdown waits for, so it would
   * wait out its whole deadline, then cancel every task (with one worker, even those about to
   * finish), then stop the worker it runs on; called after a task completed (a {@code thenRun} of
   * its {@code toCompletableFuture()}, which runs in the completion), it would hold a worker the
   * other live tasks need while it waits for them. With no task live there is nothing to wait for,
   * and the shutdown goes on (the worker it runs on is not waited for). A current-thread runtime
   * refuses the call inside its own blockOn, through its claim.
   */
  private void refuseOnOwnWorker() {
    if (WORKER_OF.get() == this && live.size() != 0) {
      throw new IllegalStateException("close()/shutdown() of runtime " + name + " called in "
          + CallSite.callerOutside(AsyncRuntime.class) + " on " + Thread.currentThread().getName()
          + ", one of its own workers, while " + live.size() + " of its tasks are live: waiting "
          + "for them here would hold a thread they need (and a task cannot wait for itself). "
          + "Shut the runtime down from the thread that built it: after its blockOn returns, or "
          + "when a task tells that thread to (complete a Oneshot or a CompletableFuture it waits "
          + "on)");
    }
  }

  /**
   * Throws if the calling thread is one of tinyrt's own (the timer's, an I/O driver's: a waker
   * called the shutdown) while tasks are live: waiting for them there stops that thread for
   * everyone, every sleep of the JVM say, and the tasks may need it to finish (a task asleep on
   * the timer is cancelled at the deadline, and {@code close()} freezes every sleep for 10 s).
   */
  private void refuseOnServiceThread() {
    String serves = RuntimeThreads.serves();
    if (serves != null && live.size() != 0) {
      throw new IllegalStateException("close()/shutdown() of runtime " + name + " called in "
          + CallSite.callerOutside(AsyncRuntime.class) + " on " + Thread.currentThread().getName()
          + ", a thread of tinyrt's own that serves " + serves + ", while " + live.size()
          + " of its tasks are live: waiting for them here would stop that thread for everyone "
          + "(and the tasks may need it). A waker runs here: keep Waker.wake() short, and shut "
          + "the runtime down from a thread of your own (complete a Oneshot or a "
          + "CompletableFuture it waits on)");
    }
  }

  /** {@link #shutdown}, on a thread that holds a current-thread runtime's claim. */
  private boolean shutdownClaimed(Duration deadline) {
    refuseNewTasks();
    boolean finishedInTime = awaitLive(deadline);
    refuseAllTasks();
    // A task may have been spawned from inside (by blockOn's future, which is no task) as the
    // last one finished: it is cancelled with the rest.
    if (finishedInTime && live.size() != 0) {
      finishedInTime = false;
    }
    if (!finishedInTime) {
      for (Task<?> task : live.snapshot()) {
        task.abort();
      }
      if (!awaitLive(UNWIND_GRACE)) {
        // Whatever still waits (in a non-cancellable section that never ends, say) is completed
        // as cancelled, so its awaiters are told and no later wake finds a stopped runtime.
        gaveUp = true;
        for (Task<?> task : live.snapshot()) {
          task.giveUp(GiveUpReason.SHUTDOWN_GAVE_UP);
        }
      }
    }
    scheduler.stop();
    RuntimeMBeans.unregister(this);
    // Ordering: under the monitor that makes the pool, so either a spawnBlocking made it before
    // (and it is read here and shut down) or it reads the flag and makes none.
    ExecutorService pool;
    synchronized (this) {
      pool = blocking;
      blockingClosed = true;
    }
    if (ownsBlocking && pool != null) {
      pool.shutdownNow();
    }
    return finishedInTime;
  }

  /**
   * The shutdown's first step: from here {@link #spawn} refuses a spawn from outside, and one
   * racing this step either is counted by the shutdown's next read of the live count or refuses
   * too (see spawn).
   */
  void refuseNewTasks() {
    shuttingDown = true;
  }

  /**
   * The shutdown's second step, once its graceful wait ended: every spawn is refused, a task's
   * too; one racing this step is counted by the next read of the live count or refuses.
   */
  void refuseAllTasks() {
    refusingAll = true;
  }

  private boolean awaitLive(Duration timeout) {
    long deadline = System.nanoTime() + Nanos.ahead(timeout);
    if (local != null) {
      // Nobody else runs a current-thread runtime's tasks: run them here until done or deadline.
      return local.driveClaimed(() -> live.size() == 0, deadline);
    }
    lock.lock();
    try {
      while (live.size() != 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        allFinished.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return live.size() == 0;
    } finally {
      lock.unlock();
    }
  }

  /** Shuts down with {@link #DEFAULT_SHUTDOWN_DEADLINE}. */
  @Override
  public void close() {
    shutdown(DEFAULT_SHUTDOWN_DEADLINE);
  }

  @Override
  public String toString() {
    return "AsyncRuntime[" + name + (local != null ? ", current thread" : "") + ", "
        + live.size() + " live tasks]";
  }

  /** Builds a runtime. */
  public static final class Builder {
    private int workers = Runtime.getRuntime().availableProcessors();
    private WorkerPool pool = WorkerPool.byDefault();
    private IoMode io = IoMode.byDefault();
    private long workerStackSize = Workers.DEFAULT_STACK_SIZE;
    private ExecutorService blocking;
    private String name;
    private Timer timer;

    /**
     * A scheduler of the caller's, for this package's tests only (a model check runs a
     * multi-threaded runtime's tasks by hand, on threads Lincheck made); null: the pool's.
     */
    Function<AsyncRuntime, Scheduler> scheduler;

    private Builder() {}

    /** @return this builder, for a runtime that runs tasks on the thread that drives it */
    public Builder currentThread() {
      this.workers = 0;
      return this;
    }

    /**
     * @param workers worker threads, at least 1
     * @return this builder, for a multi-threaded runtime
     */
    public Builder multiThread(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("a multi-threaded runtime needs at least one worker");
      }
      this.workers = workers;
      return this;
    }

    /**
     * @param pool the worker pool of a multi-threaded runtime
     * @return this builder
     */
    public Builder workerPool(WorkerPool pool) {
      this.pool = Objects.requireNonNull(pool);
      return this;
    }

    /**
     * @param io where a multi-threaded runtime's sockets are selected ({@code IoDriver.of}): each
     *     worker's own selector (the default; work-stealing pool only), or one driver thread; see
     *     {@link IoMode}
     * @return this builder
     */
    public Builder io(IoMode io) {
      this.io = Objects.requireNonNull(io);
      return this;
    }

    /**
     * Sets the stack size of each worker thread. Resuming a chain of N nested async calls polls N
     * frames nested in each other, so the stack bounds how deep a chain can be; see {@link
     * Workers#DEFAULT_STACK_SIZE} for the depth the default allows.
     *
     * @param bytes the stack size in bytes, at least 64 KiB (the JVM may round it)
     * @return this builder
     */
    public Builder workerStackSize(long bytes) {
      if (bytes < 64 * 1024) {
        throw new IllegalArgumentException(
            "a worker stack of " + bytes + " bytes is too small: give at least 64 KiB");
      }
      this.workerStackSize = bytes;
      return this;
    }

    /**
     * @param executor where {@code spawnBlocking} runs work (virtual threads, say); the runtime
     *     does not shut it down
     * @return this builder
     */
    public Builder blockingExecutor(ExecutorService executor) {
      this.blocking = Objects.requireNonNull(executor);
      return this;
    }

    /**
     * @param name the runtime's name, used in thread names and messages
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name);
      return this;
    }

    /**
     * @param timer the timer of {@code Tasks.sleep} and {@code Tasks.timeout} (a manual one in
     *     tests); the system timer by default
     * @return this builder
     */
    public Builder timer(Timer timer) {
      this.timer = Objects.requireNonNull(timer);
      return this;
    }

    /** @return the runtime */
    public AsyncRuntime build() {
      return new AsyncRuntime(this);
    }
  }
}
