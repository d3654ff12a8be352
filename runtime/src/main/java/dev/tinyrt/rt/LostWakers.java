// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Context;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.LockHolder;
import dev.tinyrt.internal.RuntimeThreads;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Reports a parked task whose waker nothing can reach any more: it can never be woken, so it hangs
 * silently (a hand-written future that returns pending without keeping {@code cx.waker()}, or
 * keeps it in a collection that is then dropped). tokio-console finds these by counting a task's
 * waker references; Java has no such count, so the garbage collector counts for us: a tracked task
 * is polled with a waker of its own (a {@link Probe}, which wakes the task), held by the detector
 * only weakly. When the collector clears that reference while the task is parked, nothing holds
 * the waker, and the task is reported to the {@code System.Logger} named {@code dev.tinyrt} (level
 * WARNING) with where it is parked ({@code File.java:line} of each async method, innermost first)
 * and what it awaits; once per await point. {@link TaskDump} marks it too.
 *
 * <p>Opt-in: {@code -Dtinyrt.lostWakers=true}. {@link #ENABLED} is a static final flag, so when it
 * is false the hook in {@code Task.run} is a constant the JIT compiles away and tasks are polled
 * with themselves as the waker, as always. When on, each task has one probe at a time (made at a
 * poll when the previous one was collected), one weak reference and a map entry; a daemon thread
 * takes the collected references, and asks for a collection ({@code System.gc()}) once when tasks
 * were polled and then nothing was polled for {@link #QUIET_MILLIS}: so a program that hangs gets
 * its report instead of a silent hang, and a busy one gets no extra collections.
 *
 * <p>What it cannot see: a waker kept only by the task's own future (a channel whose other end the
 * same task holds) is reachable from the runtime's live-task list, so that task is not reported;
 * tokio-console's count has the same blind spot. A task woken by nothing but {@code abort()} (a
 * future that is pending forever on purpose) is reported, as tokio-console reports it.
 */
final class LostWakers {

  /** The system property that turns the detection on. */
  static final String PROPERTY = "tinyrt.lostWakers";

  /** Whether tasks are polled with probes; read once, when the class initializes. */
  static final boolean ENABLED = Boolean.getBoolean(PROPERTY);

  /** How long nothing is polled before the daemon thread asks for one collection. */
  static final long QUIET_MILLIS = 1_000;

  /** The detector the hook uses; null when off. */
  static final LostWakers DETECTOR = ENABLED ? new LostWakers(LostWakers::log) : null;

  /** Where the collector puts the references of probes nothing holds any more. */
  private final ReferenceQueue<Probe> collected = new ReferenceQueue<>();

  /** Each tracked task's current probe reference; an entry leaves when its probe is collected. */
  private final Map<Task<?>, Watch> watched = new ConcurrentHashMap<>();

  /** The tasks reported, for {@link TaskDump}; weak, so a finished task leaves. Guarded by itself. */
  private final Set<Task<?>> lost = Collections.synchronizedSet(
      Collections.newSetFromMap(new WeakHashMap<>()));

  /** The await points already reported, as {@code method#state} (or a future's class). */
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /** Where a report goes. */
  private final Consumer<String> sink;

  /** Counts the probes handed out (racy increments: only a change is looked at). */
  private volatile int polls;

  /** Whether the daemon thread was started (the static detector only). */
  private volatile boolean started;

  /**
   * The waker and context a tracked task is polled with: waking it wakes the task; cancelled when
   * the task is. Whatever keeps it keeps the task wakeable.
   */
  static final class Probe extends Context implements Waker, LockHolder.Delegate {

    /** The task it wakes. */
    final Task<?> task;

    Probe(Task<?> task) {
      this.task = task;
    }

    @Override
    public void wake() {
      task.wake();
      // The probe must stay reachable until the task is SCHEDULED: else the collector could clear
      // it mid-wake and the detector see the task parked with no waker.
      Reference.reachabilityFence(this);
    }

    @Override
    public Waker waker() {
      return this;
    }

    @Override
    public Object task() {
      return task;
    }

    @Override
    public boolean isCancelled() {
      return task.isCancelled();
    }

    @Override
    public String toString() {
      return "waker of " + task;
    }
  }

  /** A weak reference to a task's probe; holds the task strongly, to report it. */
  static final class Watch extends WeakReference<Probe> {

    /** The probe's task. */
    final Task<?> task;

    Watch(Probe probe, ReferenceQueue<Probe> queue) {
      super(probe, queue);
      this.task = probe.task;
    }
  }

  /** @param sink where reports go */
  LostWakers(Consumer<String> sink) {
    this.sink = sink;
  }

  /**
   * @param waker a waker a future was polled with
   * @param task a task
   * @return whether {@code waker} is {@code task}'s probe: the task polls with it
   */
  static boolean wakes(Waker waker, Task<?> task) {
    return waker instanceof Probe p && p.task == task;
  }

  /**
   * Hook: the context to poll {@code task} with. Only with {@link #ENABLED}.
   *
   * @param task the task about to be polled, by its one runner
   * @return its probe
   */
  static Context context(Task<?> task) {
    LostWakers d = DETECTOR;
    d.startReporting();
    return d.probe(task);
  }

  /**
   * Returns {@code task}'s probe: the one handed out before if something still holds it (a future
   * that registered it at an earlier poll and checks it by identity keeps working), else a new
   * one. Only the task's runner calls it, so two calls for one task never race.
   */
  Probe probe(Task<?> task) {
    polls++;
    Watch w = watched.get(task);
    Probe p = w == null ? null : w.get();
    if (p == null) {
      p = new Probe(task);
      // Replaces a cleared reference, whose report (if it is still queued) then finds it replaced.
      watched.put(task, new Watch(p, collected));
    }
    return p;
  }

  /**
   * Reports the tasks whose probes were collected so far, without waiting.
   *
   * @return how many references were taken from the queue
   */
  int drain() {
    int n = 0;
    for (Reference<?> r; (r = collected.poll()) != null; n++) {
      collected((Watch) r);
    }
    return n;
  }

  /**
   * Waits up to {@code timeoutMillis} for the collector to enqueue a reference, then handles it and
   * whatever else is queued (for tests, between collections).
   *
   * @param timeoutMillis how long to wait for the first one
   * @return how many references were taken from the queue
   * @throws InterruptedException if interrupted while waiting
   */
  int drain(long timeoutMillis) throws InterruptedException {
    Reference<?> first = collected.remove(timeoutMillis);
    if (first == null) {
      return 0;
    }
    collected((Watch) first);
    return 1 + drain();
  }

  /** @return whether {@code task} was reported: parked, its waker collected */
  boolean isLost(Task<?> task) {
    return lost.contains(task);
  }

  /** The probe of {@code w} was collected: reports its task if it is still parked. */
  private void collected(Watch w) {
    Task<?> task = w.task;
    // A task polled since then has a new probe, whose own reference speaks for it.
    if (!watched.remove(task, w)) {
      return;
    }
    // Woken (the waker's last holder woke it and let it go), running, or finished: not lost.
    int s = task.state();
    if ((s & (TaskState.SCHEDULED | TaskState.RUNNING | TaskState.COMPLETE)) != 0) {
      return;
    }
    // Polled between the removal and the state read: it has a new probe, and is not lost.
    if (watched.containsKey(task)) {
      return;
    }
    lost.add(task);
    FrameTable.Chain chain = FrameTable.chain(task.future());
    AwaitPoint innermost = chain.innermost();
    String key = innermost == null
        ? String.valueOf(task.future() == null ? null : task.future().getClass().getName())
        : innermost.method() + "#" + innermost.state();
    if (reported.add(key)) {
      sink.accept(report(task, chain));
    }
  }

  /** The report's text. */
  static String report(Task<?> task, FrameTable.Chain chain) {
    StringBuilder out = new StringBuilder("tinyrt: ").append(task)
        .append(" can never be woken: it is parked and nothing holds its waker any more");
    if (chain.frames().isEmpty()) {
      out.append(", in ").append(task.future());
    }
    out.append('\n');
    for (AwaitPoint p : chain.points()) {
      out.append("    at ").append(p).append('\n');
    }
    if (!chain.frames().isEmpty() && chain.leaf() != null) {
      out.append("    awaiting ").append(chain.leaf()).append('\n');
    }
    return out.append("A future that returns pending must keep cx.waker() where the event it "
        + "waits for will wake it (not only in a local variable, nor in a collection that is "
        + "dropped); await a tinyrt primitive (Oneshot, Notify, Mpsc, Timer) instead of a "
        + "hand-written future, or abort the task (JoinHandle.abort()). Reported once per await "
        + "point (-D" + PROPERTY + ").").toString();
  }

  /** Starts the daemon thread that reports, once. */
  private void startReporting() {
    if (started) {
      return;
    }
    synchronized (this) {
      if (started) {
        return;
      }
      started = true;
    }
    RuntimeThreads.service("tinyrt-lost-wakers", "the reports of lost wakers", this::reportForever)
        .start();
  }

  /**
   * The daemon thread: handles each collected reference; after {@link #QUIET_MILLIS} with no poll,
   * following some polls, asks for one collection, so that a program that hangs is told why.
   */
  private void reportForever() {
    int seen = polls;
    long seenSince = System.nanoTime();
    int collectedAt = 0; // the polls counted when a collection was last asked for: none yet
    while (true) {
      try {
        Reference<?> r = collected.remove(QUIET_MILLIS / 4);
        if (r != null) {
          collected((Watch) r);
          continue;
        }
      } catch (InterruptedException e) {
        return;
      }
      int now = polls;
      if (now != seen) {
        seen = now;
        seenSince = System.nanoTime();
      } else if (now != collectedAt
          && System.nanoTime() - seenSince >= QUIET_MILLIS * 1_000_000L) {
        collectedAt = now;
        System.gc(); // quiet since tasks parked: find the probes nothing holds
      }
    }
  }

  /** Sends a report to the {@code dev.tinyrt} logger. */
  private static void log(String report) {
    System.getLogger("dev.tinyrt").log(System.Logger.Level.WARNING, report);
  }
}
