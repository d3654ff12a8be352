// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.TinyrtLog;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.ForgetsWaker;
import dev.tinyrt.sync.Mutex;
import dev.tinyrt.sync.Notify;
import dev.tinyrt.sync.Oneshot;
import dev.tinyrt.sync.Semaphore;
import dev.tinyrt.time.Timer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Random programs over two to four runtimes of every kind alive at once. Their tasks share a
 * semaphore, a mutex, a notify, oneshots, the system timer and each other's handles (a task of one
 * runtime awaits a task of another), and spawn children on any of them. The driver aborts some
 * tasks, then shuts the runtimes down in random order, with random deadlines, some from two
 * threads at once, while the others still run and a thread reads every runtime's MBean and task
 * dump. After each program: every thread that drove or shut down a runtime ended without throwing,
 * every task finished, every task body that ran released what it held exactly once, every permit
 * is back, the mutex is free, a spawn was refused only by a runtime being shut down, every runtime
 * is shut down with no live task and no MBean left, and no exception ended a thread.
 *
 * <p>The runtime fuzzer ({@code fuzz/}) composes inside one runtime at a time; this composes
 * across runtimes and over their lives. It fails within CI's batch when a cancelled leaf is not
 * dropped one time in three (planted). It is too coarse for the narrowest races: with the spawn's
 * second look at a shutdown taken out it passed 200 programs, and {@code
 * SpawnRacingShutdownModelCheckTest} pins that race. CI runs {@value #CI_SEEDS} programs; {@code
 * scripts/fuzz-cross [PROGRAMS [SEED]]} is the long run ({@code -Dtinyrt.crossFuzz.seeds=N} and
 * {@code -Dtinyrt.crossFuzz.seed0=S}). Programs use the real clock (sleeps, shutdown deadlines), so
 * a seed replays in shape, not in timing.
 */
class CrossRuntimeFuzzTest {

  /** Programs in CI. */
  static final int CI_SEEDS = 25;

  /** Programs this run. */
  private static final int SEEDS = Integer.getInteger("tinyrt.crossFuzz.seeds", CI_SEEDS);

  /** The first program's seed. */
  private static final long SEED0 = Long.getLong("tinyrt.crossFuzz.seed0", 1);

  /** Every runtime shape the builder offers, by label. */
  private static final List<String> KINDS =
      List.of("current", "ws1", "ws2", "ws2-driver", "fj1", "fj2", "shared1", "shared2");

  /** Permits of the shared semaphore. */
  private static final int PERMITS = 3;

  @Test
  void randomProgramsAcrossRuntimesKeepTheirPromises() throws Exception {
    List<String> failures = new ArrayList<>();
    for (long seed = SEED0; seed < SEED0 + SEEDS; seed++) {
      List<String> problems;
      try (TinyrtLog log = new TinyrtLog()) {
        problems = program(seed);
        if (!log.uncaught.isEmpty()) {
          problems.add("exceptions ended threads: " + log.uncaught);
        }
      }
      if (!problems.isEmpty()) {
        failures.add("seed " + seed + ": " + problems);
        if (failures.size() == 5) {
          break;
        }
      }
    }
    assertEquals(List.of(), failures, "replay one with -Dtinyrt.crossFuzz.seed0=SEED"
        + " -Dtinyrt.crossFuzz.seeds=1");
  }

  /** What one program shares between its tasks and checks at its end. */
  private static final class World {
    /** Held by some steps until the task body ends. */
    final Semaphore semaphore = new Semaphore(PERMITS);
    /** Locked by some steps until the task body ends. */
    final Mutex<int[]> mutex = new Mutex<>(new int[1]);
    /** Waited on and notified by steps. */
    final Notify notify = new Notify();
    /** Every task's handle, in spawn order: awaited by later tasks of any runtime. */
    final List<JoinHandle<?>> handles = Collections.synchronizedList(new ArrayList<>());
    /** Oneshots whose receivers a step awaits and whose senders a later step sends on. */
    final List<Oneshot.Channel<Integer>> oneshots = new ArrayList<>();
    /** Task bodies whose clean-up ran more than once. */
    final AtomicInteger doubleCleanUps = new AtomicInteger();
    /** What went wrong inside the program. */
    final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    /** The program's runtimes: a step spawns a child task on any of them. */
    final List<AsyncRuntime> runtimes = new ArrayList<>();
    /** The children's bodies, checked like the driver's tasks'. */
    final List<Body> childBodies = Collections.synchronizedList(new ArrayList<>());
    /** The children's handles, awaited like the driver's tasks'. */
    final List<JoinHandle<Integer>> children = Collections.synchronizedList(new ArrayList<>());
  }

  private static List<String> program(long seed) throws Exception {
    Random rnd = new Random(seed);
    World w = new World();

    // The runtimes, each with a shutdown deadline; a current-thread one is driven by a thread of
    // its own until its stop signal, and that thread shuts it down.
    int count = 2 + rnd.nextInt(3);
    List<String> kinds = new ArrayList<>();
    List<AsyncRuntime> runtimes = w.runtimes;
    List<Duration> deadlines = new ArrayList<>();
    List<TestFutures.Gate<Void>> stops = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> threadErrors = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < count; i++) {
      String kind = KINDS.get(rnd.nextInt(KINDS.size()));
      kinds.add(kind);
      AsyncRuntime rt = build(kind, "crossfuzz-" + seed + "-" + i + "-" + kind);
      runtimes.add(rt);
      Duration deadline = List.of(Duration.ZERO, Duration.ofMillis(20), Duration.ofMillis(200))
          .get(rnd.nextInt(3));
      deadlines.add(deadline);
      TestFutures.Gate<Void> stop = new TestFutures.Gate<>();
      stops.add(stop);
      if (kind.equals("current")) {
        threads.add(start("crossfuzz-driver-" + i, threadErrors, () -> {
          rt.blockOn(stop);
          rt.shutdown(deadline);
        }));
      }
    }

    // Diagnostics under fire: every runtime's MBean and task dump read until the end.
    AtomicBoolean dumping = new AtomicBoolean(true);
    Thread dumper = start("crossfuzz-dumper", threadErrors, () -> {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      while (dumping.get()) {
        for (ObjectName name : server.queryNames(new ObjectName("dev.tinyrt:*"), null)) {
          try {
            server.invoke(name, "dump", null, null);
            server.getAttribute(name, "LiveTasks");
          } catch (InstanceNotFoundException gone) {
            // Unregistered by a shutdown meanwhile.
          }
        }
        for (AsyncRuntime rt : runtimes) {
          TaskDump.text(rt);
        }
      }
    });

    // The tasks, on random runtimes; some aborted as they go.
    List<Body> bodies = new ArrayList<>();
    List<JoinHandle<Integer>> mine = new ArrayList<>();
    int tasks = 10 + rnd.nextInt(40);
    for (int k = 0; k < tasks; k++) {
      Body body = new Body(w, randomSteps(rnd, w));
      try {
        JoinHandle<Integer> h = runtimes.get(rnd.nextInt(count)).spawn(body);
        bodies.add(body);
        mine.add(h);
        w.handles.add(h);
      } catch (RejectedExecutionException shutDownAlready) {
        // Only a runtime being shut down refuses, and none is yet; counted below as an error.
        w.errors.add("spawn refused before any shutdown: " + shutDownAlready);
      }
      jitter(rnd);
      if (rnd.nextInt(10) == 0) {
        mine.get(rnd.nextInt(mine.size())).abort();
      }
    }

    // The shutdowns, in random order, some from two threads at once.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      order.add(i);
    }
    Collections.shuffle(order, rnd);
    for (int i : order) {
      AsyncRuntime rt = runtimes.get(i);
      if (kinds.get(i).equals("current")) {
        stops.get(i).complete(null);
        continue;
      }
      Duration deadline = deadlines.get(i);
      int closers = rnd.nextInt(4) == 0 ? 2 : 1;
      for (int c = 0; c < closers; c++) {
        threads.add(start("crossfuzz-closer-" + i + "-" + c, threadErrors,
            () -> rt.shutdown(deadline)));
      }
      if (rnd.nextBoolean()) {
        jitter(rnd);
      }
    }

    // The checks.
    List<String> problems = new ArrayList<>();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(20));
      if (t.isAlive()) {
        problems.add(t.getName() + " hangs:" + stack(t));
      }
    }
    dumping.set(false);
    dumper.join(TimeUnit.SECONDS.toMillis(10));
    if (dumper.isAlive()) {
      problems.add("the dumper hangs:" + stack(dumper));
    }
    if (!threadErrors.isEmpty()) {
      problems.add("a driving, closing or dumping thread threw " + threadErrors);
    }
    // A worker takes a task out of the live count just before it marks it complete, so a task may
    // still be finishing when its runtime's shutdown has returned: wait for it, a bounded time.
    long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<JoinHandle<Integer>> every = new ArrayList<>(mine);
    synchronized (w.children) {
      every.addAll(w.children);
    }
    for (int k = 0; k < every.size(); k++) {
      try {
        every.get(k).toCompletableFuture()
            .get(Math.max(0, giveUpAt - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | CancellationException finishedSo) {
        // Finished: failed or cancelled.
      } catch (TimeoutException e) {
        problems.add("task " + k + " never finished: " + every.get(k));
      }
    }
    int skipped = 0;
    synchronized (w.childBodies) {
      bodies.addAll(w.childBodies);
    }
    for (Body body : bodies) {
      if (body.ranWithoutCleanUp()) {
        skipped++;
      }
    }
    if (skipped != 0) {
      problems.add(skipped + " task bodies that ran never released what they held");
    }
    if (w.doubleCleanUps.get() != 0) {
      problems.add(w.doubleCleanUps.get() + " task bodies released what they held twice");
    }
    if (w.semaphore.available() != PERMITS) {
      problems.add("the semaphore has " + w.semaphore.available() + " of " + PERMITS + " permits");
    }
    Mutex.Guard<int[]> guard = w.mutex.tryLock();
    if (guard == null) {
      problems.add("the mutex is still locked");
    } else {
      guard.close();
    }
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    for (AsyncRuntime rt : runtimes) {
      if (!rt.isShutdown()) {
        problems.add(rt.name() + " is not shut down");
      }
      if (rt.liveTasks() != 0) {
        problems.add(rt.name() + " still has " + rt.liveTasks() + " live tasks");
      }
      ObjectName mbean = new ObjectName(
          "dev.tinyrt:type=Runtime,name=" + ObjectName.quote(rt.name()));
      if (!server.queryNames(mbean, null).isEmpty()) {
        problems.add("the MBean of " + rt.name() + " is still registered after its shutdown");
      }
    }
    problems.addAll(w.errors);
    if (!problems.isEmpty()) {
      problems.add("runtimes " + kinds + ", deadlines " + deadlines);
    }
    return problems;
  }

  /** A task body's steps, each made when reached; a child's spawn no children of its own. */
  private static List<Supplier<Future<?>>> randomSteps(Random rnd, World w) {
    return randomSteps(rnd, w, /* spawns = */ true);
  }

  private static List<Supplier<Future<?>>> randomSteps(Random rnd, World w, boolean spawns) {
    List<Supplier<Future<?>>> steps = new ArrayList<>();
    int n = 1 + rnd.nextInt(6);
    for (int i = 0; i < n; i++) {
      switch (rnd.nextInt(spawns ? 10 : 9)) {
        case 0 -> steps.add(w.semaphore::acquire);
        case 1 -> steps.add(w.mutex::lock);
        case 2 -> steps.add(w.notify::notified);
        case 3 -> steps.add(() -> run(w.notify::notifyOne));
        case 4 -> {
          Duration nap = Duration.ofMillis(rnd.nextInt(30));
          steps.add(() -> Timer.system().sleep(nap));
        }
        case 5 -> steps.add(() -> TestFutures.readyAfter(1, null)); // a yield
        case 6 -> {
          // Await an earlier task's handle, maybe of another runtime.
          int pick = rnd.nextInt(1 << 20);
          steps.add(() -> {
            synchronized (w.handles) {
              return w.handles.isEmpty() ? Future.ready(null)
                  : new Outcome(w.handles.get(pick % w.handles.size()));
            }
          });
        }
        case 7 -> {
          // Await a oneshot that a later step of any task sends on.
          Oneshot.Channel<Integer> channel = Oneshot.channel();
          synchronized (w.oneshots) {
            w.oneshots.add(channel);
          }
          steps.add(() -> new Outcome(channel.receiver()));
        }
        case 9 -> {
          // Spawn a child on any runtime, maybe one being shut down: then the spawn is refused.
          int pick = rnd.nextInt(1 << 20);
          Body child = new Body(w, randomSteps(new Random(rnd.nextLong()), w, false));
          steps.add(() -> run(() -> {
            AsyncRuntime rt = w.runtimes.get(pick % w.runtimes.size());
            try {
              JoinHandle<Integer> h = rt.spawn(child);
              w.childBodies.add(child);
              w.children.add(h);
              w.handles.add(h);
            } catch (RejectedExecutionException refused) {
              if (!rt.isShutdown()) {
                w.errors.add("a spawn on " + rt.name() + " was refused before its shutdown");
              }
            }
          }));
        }
        default -> steps.add(() -> run(() -> {
          Oneshot.Channel<Integer> channel;
          synchronized (w.oneshots) {
            channel = w.oneshots.isEmpty() ? null : w.oneshots.remove(0);
          }
          if (channel != null) {
            try {
              channel.sender().send(1);
            } catch (RuntimeException receiverGone) {
              // Its receiver's task ended first.
            }
          }
        }));
      }
    }
    return steps;
  }

  /**
   * A task body: its steps in order. What a step gives that must be given back (a permit, a
   * guard) is held to the end, and released by its clean-up, which must run exactly once whether
   * the body returns, throws or is dropped by a cancellation.
   */
  private static final class Body implements Future<Integer>, Droppable {
    /** The steps. */
    private final List<Supplier<Future<?>>> steps;
    /** The program's shared state. */
    private final World w;
    /** Permits and guards to release at the end. */
    private final List<AutoCloseable> held = new ArrayList<>();
    /** The step at work. */
    private int at;
    /** The step's future, made when the step is reached. */
    private Future<?> current;
    /** The waker of the last poll, which a dropped step forgets. */
    private Waker lastWaker;
    /** Whether a runtime polled this body. */
    private boolean polled;
    /** Whether the clean-up ran. */
    private boolean cleanedUp;

    Body(World w, List<Supplier<Future<?>>> steps) {
      this.w = w;
      this.steps = steps;
    }

    @Override
    public synchronized Poll<Integer> poll(Context cx) {
      polled = true;
      if (cleanedUp) {
        w.errors.add("a task body was polled after it ended");
        throw new IllegalStateException("polled after it ended");
      }
      try {
        while (at < steps.size()) {
          if (current == null) {
            current = steps.get(at).get();
          }
          lastWaker = cx.waker();
          Poll<?> p = current.poll(cx);
          if (!p.isReady()) {
            return Poll.pending();
          }
          if (p.get() instanceof AutoCloseable grant) {
            held.add(grant);
          }
          current = null;
          at++;
        }
      } catch (RuntimeException | Error e) {
        current = null;
        cleanUp();
        throw e;
      }
      cleanUp();
      return Poll.ready(at);
    }

    @Override
    public synchronized void drop() {
      Future<?> step = current;
      current = null;
      if (step instanceof Droppable d) {
        d.drop();
      } else if (step instanceof ForgetsWaker f && lastWaker != null) {
        f.forget(lastWaker);
      }
      cleanUp();
    }

    synchronized boolean ranWithoutCleanUp() {
      return polled && !cleanedUp;
    }

    private void cleanUp() {
      if (cleanedUp) {
        w.doubleCleanUps.incrementAndGet();
        return;
      }
      cleanedUp = true;
      for (AutoCloseable grant : held) {
        try {
          grant.close();
        } catch (Exception e) {
          w.errors.add("releasing " + grant + " threw " + e);
        }
      }
      held.clear();
    }
  }

  /** Awaits a future and is ready whatever its outcome (a cancelled task, a closed sender). */
  private static final class Outcome implements Future<Object>, Droppable {
    /** The future awaited. */
    private final Future<?> awaited;
    /** The waker of the last poll, which a drop makes the awaited future forget. */
    private Waker waker;

    Outcome(Future<?> awaited) {
      this.awaited = awaited;
    }

    @Override
    public synchronized Poll<Object> poll(Context cx) {
      waker = cx.waker();
      try {
        return awaited.poll(cx).isReady() ? Poll.ready("ok") : Poll.pending();
      } catch (RuntimeException e) {
        return Poll.ready(e.getClass().getSimpleName());
      }
    }

    @Override
    public synchronized void drop() {
      if (awaited instanceof Droppable d) {
        d.drop();
      } else if (awaited instanceof ForgetsWaker f && waker != null) {
        f.forget(waker);
      }
    }
  }

  /** Runs {@code r} at its first poll and is ready. */
  private static Future<Void> run(Runnable r) {
    return cx -> {
      r.run();
      return Poll.readyNull();
    };
  }

  private static AsyncRuntime build(String kind, String name) {
    AsyncRuntime.Builder b = AsyncRuntime.builder().name(name);
    switch (kind) {
      case "current" -> b.currentThread();
      case "ws1" -> b.multiThread(1).workerPool(WorkerPool.WORK_STEALING);
      case "ws2" -> b.multiThread(2).workerPool(WorkerPool.WORK_STEALING).io(IoMode.PER_WORKER);
      case "ws2-driver" ->
          b.multiThread(2).workerPool(WorkerPool.WORK_STEALING).io(IoMode.DRIVER_THREAD);
      case "fj1" -> b.multiThread(1).workerPool(WorkerPool.FORK_JOIN);
      case "fj2" -> b.multiThread(2).workerPool(WorkerPool.FORK_JOIN);
      case "shared1" -> b.multiThread(1).workerPool(WorkerPool.SHARED_QUEUE);
      case "shared2" -> b.multiThread(2).workerPool(WorkerPool.SHARED_QUEUE);
      default -> throw new IllegalArgumentException(kind);
    }
    return b.build();
  }

  /** A body a thread runs; what it throws is kept. */
  private interface ThreadBody {
    void run() throws Exception;
  }

  private static Thread start(String name, List<Throwable> errors, ThreadBody body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        errors.add(e);
      }
    }, name);
    t.start();
    return t;
  }

  /**
   * Lets the runtimes' threads move on for a random 0 to 2 ms before the driver's next step, so
   * that spawns, aborts and shutdowns land at different points of the tasks' lives. It waits for
   * nothing in particular: it spreads the driver's steps over time.
   */
  private static void jitter(Random rnd) {
    long until = System.nanoTime() + rnd.nextInt(2_000_000);
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  private static String stack(Thread t) {
    StringBuilder b = new StringBuilder();
    for (StackTraceElement e : t.getStackTrace()) {
      b.append("\n    at ").append(e);
    }
    return b.toString();
  }
}
