// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.Waker;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.IoMode;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.TaskDump;
import dev.tinyrt.rt.WorkerPool;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Runs one program on one runtime and checks the invariants: spawns the program as a task on a
 * runtime with a manual clock, then for a seeded number of steps advances the clock, aborts a random
 * task and lets the runtime run, possibly shutting it down at a random step; if it did not, lets
 * the program come to rest and looks for lost wake-ups ({@link #lostWakes}); then shuts it down
 * and checks the {@link Env}'s ledger, the live tasks and the runtime's threads; once the runtime
 * is out of reach, that no ended task is still reachable from the program's primitives (a waker
 * left behind); last, that waking whatever is left after shutdown throws nothing. A watchdog makes
 * a hang a violation.
 */
final class Driver {

  /**
   * The runtimes a program may run on. By default each program runs on the first two; {@code
   * --runtimes} picks others ({@link Runtimes}). Each names its pool, worker count and I/O mode in
   * full, so that {@code -Dtinyrt.workerPool} and {@code -Dtinyrt.io} do not change what a seed
   * runs on. New kinds go at the end: the ordinal seeds the driver's choices.
   */
  enum Kind {
    /** {@code AsyncRuntime.builder().currentThread()}. */
    CURRENT_THREAD(0, null, null),
    /** {@code multiThread(2)} on the {@link WorkerPool#WORK_STEALING} scheduler, per-worker I/O. */
    MULTI_THREAD(2, WorkerPool.WORK_STEALING, IoMode.PER_WORKER),
    /** {@code multiThread(2)} on a {@link WorkerPool#FORK_JOIN} pool. */
    FORK_JOIN(2, WorkerPool.FORK_JOIN, IoMode.DRIVER_THREAD),
    /** {@code multiThread(2)} on the {@link WorkerPool#SHARED_QUEUE} pool. */
    SHARED_QUEUE(2, WorkerPool.SHARED_QUEUE, IoMode.DRIVER_THREAD),
    /**
     * {@code multiThread(2)}, work stealing, with {@link IoMode#DRIVER_THREAD}: its workers park
     * on a parker, not by selecting.
     */
    DRIVER_THREAD(2, WorkerPool.WORK_STEALING, IoMode.DRIVER_THREAD),
    /** {@code multiThread(1)}, work stealing: nobody to steal from, one worker parks and wakes. */
    ONE_WORKER(1, WorkerPool.WORK_STEALING, IoMode.PER_WORKER),
    /** {@code multiThread(3)}, work stealing, on a two-core machine: more workers than cores. */
    THREE_WORKERS(3, WorkerPool.WORK_STEALING, IoMode.PER_WORKER);

    /** Worker threads; 0 for the current-thread runtime. */
    final int workers;

    /** The pool of a multi-threaded runtime; null for the current-thread one. */
    final WorkerPool pool;

    /** The I/O mode of a multi-threaded runtime; null for the current-thread one. */
    final IoMode io;

    Kind(int workers, WorkerPool pool, IoMode io) {
      this.workers = workers;
      this.pool = pool;
      this.io = io;
    }

    /** @return a runtime of this kind, from {@code builder} */
    AsyncRuntime build(AsyncRuntime.Builder builder) {
      return workers == 0 ? builder.currentThread().build()
          : builder.multiThread(workers).workerPool(pool).io(io).build();
    }
  }

  /** How long a program may take, wall clock, before it counts as hung. */
  static final Duration WATCHDOG = Duration.ofSeconds(10);

  /** How long a runtime's threads get to end after its shutdown returned. */
  private static final Duration THREAD_EXIT = Duration.ofSeconds(2);

  /** How long to wait before looking again at an ended task that is still reachable. */
  private static final Duration HOLD_GRACE = Duration.ofMillis(200);

  /** How many more times to look before an ended task counts as held by a primitive. */
  private static final int HOLD_LOOKS = 4;

  /** How long the lost-wake check waits for blocking jobs, which run on real threads. */
  private static final Duration BLOCKING_JOBS = Duration.ofSeconds(2);

  /** Most rounds the lost-wake check lets the runtime run, before and after its spurious wakes. */
  private static final int SETTLE_ROUNDS = 20;

  /** Runs so far, for unique runtime names. */
  private static final AtomicInteger RUNS = new AtomicInteger();

  private Driver() {}

  /**
   * Runs {@code program} on a runtime of {@code kind} under the watchdog.
   *
   * @param program the program
   * @param seed the seed of the driver's choices (steps, aborts, shutdown)
   * @param kind the runtime
   * @param features what the driver may inject ({@link Feature#ABORT}, {@link Feature#SHUTDOWN})
   * @return one line per violation, each starting with its kind and a colon
   */
  static List<String> run(Node program, long seed, Kind kind, Set<Feature> features) {
    return finish(start(program, seed, kind, features, new Tally()), /* collect = */ true);
  }

  /**
   * A run whose last checks wait: those that need the garbage collector, which a batch runs once
   * for many runs (a collection per run would cost more than the run).
   *
   * @param found the violations seen so far
   * @param env the run's ledger and primitives, held strongly until {@link #finish}; null after a
   *     hang
   * @param clock the run's clock, to fire what is left after the collection
   * @param tasks the run's tasks, weakly held
   */
  record Run(List<String> found, Env env, ManualClock clock, List<Env.Held> tasks) {}

  /**
   * Runs {@code program} on a runtime of {@code kind} under the watchdog, up to the checks that
   * need a garbage collection.
   *
   * @param program the program
   * @param seed the seed of the driver's choices (steps, aborts, shutdown)
   * @param kind the runtime
   * @param features what the driver may inject ({@link Feature#ABORT}, {@link Feature#SHUTDOWN})
   * @param tally receives what the run exercised
   * @return the run, for {@link #finish}
   */
  static Run start(Node program, long seed, Kind kind, Set<Feature> features, Tally tally) {
    String name = "fuzzrt-" + RUNS.incrementAndGet();
    List<String> found = new CopyOnWriteArrayList<>();
    Env env = new Env();
    ManualClock clock = new ManualClock();
    Thread driver = new Thread(() -> {
      try {
        found.addAll(runHere(program, seed, kind, features, name, tally, env, clock));
      } catch (RuntimeException | Error e) {
        found.add("driver: the runtime threw " + e + " at " + where(e.getStackTrace()));
      }
    }, name + "-driver");
    driver.setDaemon(true);
    driver.start();
    try {
      driver.join(WATCHDOG.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running a program", e);
    }
    if (driver.isAlive()) {
      // Left behind, a daemon: nothing can stop a hung runtime from outside.
      return new Run(List.of("hang: not done after " + WATCHDOG.toSeconds() + " s; the driver "
          + "is at " + where(driver.getStackTrace())), null, null, List.of());
    }
    // The runtime and its tasks are out of reach from here on; the program's primitives are not.
    return new Run(new ArrayList<>(found), env, clock, env.forgetHandles());
  }

  /**
   * Ends a run: checks that no ended task is reachable (after the collection), then wakes what is
   * left, after shutdown.
   *
   * @param run from {@link #start}
   * @param collect whether to collect garbage first (false: the caller just did, after this run's
   *     start)
   * @return every violation of the run
   */
  static List<String> finish(Run run, boolean collect) {
    if (run.env() == null) {
      return run.found();
    }
    if (collect) {
      System.gc();
    }
    List<String> found = new ArrayList<>(run.found());
    List<String> held = stillHeld(run.tasks());
    // A leak holds on; a worker just ending may hold its last task a moment (longer on a loaded
    // machine): look again a few times.
    for (int look = 0; look < HOLD_LOOKS && !held.isEmpty(); look++) {
      LockSupport.parkNanos(HOLD_GRACE.toNanos());
      System.gc();
      held = stillHeld(run.tasks());
    }
    found.addAll(held);
    found.addAll(wakeAfterShutdown(run.env(), run.clock()));
    return found;
  }

  private static List<String> runHere(
      Node program, long seed, Kind kind, Set<Feature> features, String name, Tally tally,
      Env env, ManualClock clock) {
    Random random = new Random(seed * 31 + kind.ordinal());
    Timer timer = Timer.manual(clock);
    AsyncRuntime.Builder builder = AsyncRuntime.builder().name(name).timer(timer);
    // Blocking jobs are counted, for the lost-wake check (the runtime's own pool is stopped by its
    // shutdown as this one is by the driver's).
    BlockingPool blocking = new BlockingPool(name);
    builder.blockingExecutor(blocking);
    AsyncRuntime rt = kind.build(builder);
    Interpreter interpreter = RewritingLoader.interpreter();
    env.startTicks(timer);
    int root = env.newTask(program);
    env.spawned(root, rt.spawn(interpreter.task(program, env, root)));

    // Random steps: move time, abort a task, let the runtime run; maybe shut down early.
    int steps = 1 + random.nextInt(12);
    boolean early = features.contains(Feature.SHUTDOWN) && random.nextInt(4) == 0;
    int last = early ? random.nextInt(steps) : steps;
    if (early) {
      tally.earlyShutdowns.increment();
    }
    for (int step = 0; step < last; step++) {
      int action = random.nextInt(10);
      if (action < 4) {
        clock.advance(Duration.ofMillis(1 + random.nextInt(30)));
      } else if (action == 4 && features.contains(Feature.ABORT)) {
        // A spawned task mostly; the root (which ends the program) a quarter of the time.
        List<JoinHandle<Long>> handles = env.handles();
        int victim = handles.size() > 1 && random.nextInt(4) != 0
            ? 1 + random.nextInt(handles.size() - 1) : 0;
        handles.get(victim).abort();
        tally.aborts.increment();
      }
      let(rt, kind, 1 + random.nextInt(20));
    }
    List<String> found = new ArrayList<>();
    if (!early) {
      // Let the program end on its own as far as it can: every sleep comes due.
      for (int i = 0; i < 6; i++) {
        clock.advance(Duration.ofMillis(60));
        let(rt, kind, 100);
      }
      List<String> lost = lostWakes(rt, kind, env, blocking);
      if (lost != null) {
        found.addAll(lost);
        tally.lostWakeChecks.increment();
      }
    }
    // Shut down: what is still waiting (a deadlock, a recv nobody sends to) is cancelled.
    rt.shutdown(Duration.ZERO);
    blocking.shutdownNow();

    // A shutdown that gave up on a task still polling (its unwinding outlasted the grace, on a
    // starved worker) returns once its workers had a second to stop; the task completes when that
    // poll ends. Give it the threads' time to, before calling it live.
    long deadline = System.nanoTime() + THREAD_EXIT.toNanos();
    while (rt.liveTasks() != 0 && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    if (rt.liveTasks() != 0) {
      found.add("live: " + rt.liveTasks() + " task(s) live " + THREAD_EXIT.toSeconds()
          + " s after shutdown returned; the task dump: "
          + TaskDump.text(rt).strip().replace("\n", " | "));
    }
    found.addAll(env.check(timer));
    env.tally(tally);
    found.addAll(leakedThreads(name));
    return found;
  }

  /**
   * Looks for lost wake-ups once nothing can run: no blocking job under way, every live task idle
   * (neither scheduled, running nor woken) and no node begun or ended, twice in a row. Then wakes
   * every live task spuriously (wakers allow it) and lets them run until idle again: whatever moves
   * was ready and not woken. Also checks that no shared handle keeps more wakers than tasks await
   * it (an abandoned await must take its waker back).
   *
   * @return the violations, or null if the run never came to rest (nothing to conclude)
   */
  static List<String> lostWakes(AsyncRuntime rt, Kind kind, Env env, BlockingPool blocking) {
    int quiet = 0;
    for (int round = 0; quiet < 2 && round < SETTLE_ROUNDS; round++) {
      long before = env.progress();
      let(rt, kind, 200);
      quiet = env.progress() == before && atRest(env, blocking) ? quiet + 1 : 0;
    }
    if (quiet < 2 || env.oneshots().closingByCollector()) {
      // Still moving, or a wake may yet come from another thread (the collector closing a
      // dropped oneshot sender whose receiver waits): a move now would prove nothing.
      return null;
    }
    List<String> found = new ArrayList<>();
    for (int target : env.sharedTasks()) {
      JoinHandle<Long> h = env.handle(target);
      if (h != null && !h.isFinished()) {
        int registered = Registered.count(h, "waiterCount");
        int awaiting = env.awaitingTasks(target);
        if (registered > awaiting) {
          found.add("join: task " + target + "'s handle keeps " + registered + " waker(s) but "
              + awaiting + " task(s) await it: an abandoned await left its waker behind");
        }
      }
    }
    env.watchProgress();
    for (JoinHandle<Long> h : env.handles()) {
      if (!h.isFinished() && h instanceof Waker w) {
        w.wake();
      }
    }
    for (int round = 0; round < SETTLE_ROUNDS; round++) {
      let(rt, kind, 200);
      if (atRest(env, blocking)) {
        break;
      }
    }
    List<String> moved = env.progressedSince();
    if (!moved.isEmpty()) {
      found.add("wake: a lost wake-up: with nothing left to run, a spurious wake of every task "
          + "let " + moved.subList(0, Math.min(3, moved.size())) + " go on: what it waited for "
          + "was ready but nobody woke it");
    }
    return found;
  }

  /** Whether no blocking job is under way and every live task waits for a wake. */
  private static boolean atRest(Env env, BlockingPool blocking) {
    long deadline = System.nanoTime() + BLOCKING_JOBS.toNanos();
    while (!blocking.idle() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100)); // a pool thread, not a task
    }
    if (!blocking.idle()) {
      return false;
    }
    for (JoinHandle<Long> h : env.handles()) {
      if (!h.isFinished() && !Registered.taskIdle(h)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Tasks still reachable once they ended, their runtime gone and the garbage collected: a task is
   * its own waker, so one that the program's mutexes, semaphores, channels or notifies (or its
   * timer) keep alive is a waker a dropped future left in their queues.
   */
  static List<String> stillHeld(List<Env.Held> tasks) {
    List<String> found = new ArrayList<>();
    for (Env.Held t : tasks) {
      if (t.handle().get() != null) {
        found.add("waker: task " + t.task() + " " + t.body()
            + " is still reachable after it ended: a primitive kept its waker");
      }
    }
    return found;
  }

  /**
   * Wakes whatever may still be registered once the runtime closed: fires every sleep, notifies
   * every notify, sends on every channel. A wake never throws, whoever calls it and whenever.
   */
  private static List<String> wakeAfterShutdown(Env env, ManualClock clock) {
    try {
      clock.advance(Duration.ofSeconds(1));
      env.wakeEverything();
      return List.of();
    } catch (RuntimeException | Error e) {
      return List.of("wake: a wake after shutdown threw " + e + " at " + where(e.getStackTrace()));
    }
  }

  /** Lets the runtime run a little: a current-thread one runs about {@code count} tasks. */
  private static void let(AsyncRuntime rt, Kind kind, int count) {
    if (kind == Kind.CURRENT_THREAD) {
      rt.blockOn(new Yields(count));
    } else {
      // The workers run on their own; the driver just steps aside for a seeded while.
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(5L * count));
    }
  }

  /** The runtime's threads still alive a moment after its shutdown. */
  private static List<String> leakedThreads(String name) {
    long deadline = System.nanoTime() + THREAD_EXIT.toNanos();
    List<String> found = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!t.getName().startsWith(name + "-") || t == Thread.currentThread()) {
        continue;
      }
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        found.add("thread: " + t.getName() + " is alive after shutdown, at "
            + where(t.getStackTrace()));
      }
    }
    return found;
  }

  /** The top frames of a stack, on one line. */
  static String where(StackTraceElement[] stack) {
    return Arrays.stream(stack).limit(6).map(String::valueOf).collect(Collectors.joining(" < "));
  }
}
