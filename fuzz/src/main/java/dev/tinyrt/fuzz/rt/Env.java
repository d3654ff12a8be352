// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Future;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.sync.Mpsc;
import dev.tinyrt.sync.Mutex;
import dev.tinyrt.sync.Notify;
import dev.tinyrt.sync.Semaphore;
import dev.tinyrt.time.Timer;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run of one program: the shared resources its nodes use (mutexes, semaphores, channels,
 * notifies) and the ledger the invariants are checked on afterwards (finally blocks per node
 * instance, starts and ends per task, permits and locks out, values sent and received). Public,
 * with public methods, because {@link Interp} is defined by the rewriting class loader.
 */
public final class Env {

  /** Mutexes per program. */
  static final int MUTEXES = 2;

  /** Semaphores per program. */
  static final int SEMAPHORES = 2;

  /** Permits of each semaphore. */
  static final int SEMAPHORE_PERMITS = 2;

  /**
   * Channels per program: channel {@code i < BOUNDED_CHANNELS} holds {@code i + 1} values; the
   * last one is unbounded (its sends never wait, so values and receives meet in its slot).
   */
  static final int CHANNELS = 3;

  /** How many of the channels are bounded. */
  static final int BOUNDED_CHANNELS = 2;

  /** Notifies per program. */
  static final int NOTIFIES = 2;

  /** One task of the program: the root (id 0) or a spawned one. */
  static final class TaskEntry {
    /** What it runs. */
    final Node body;

    /** Its handle, once spawned. */
    volatile JoinHandle<Long> handle;

    /** How many times its body began (its first poll): 0 or 1. */
    final AtomicInteger starts = new AtomicInteger();

    /** How many times its body's {@code finally} ran: 1 once it began. */
    final AtomicInteger ends = new AtomicInteger();

    /** What it threw, or null if it returned (or never ran). */
    volatile Throwable failure;

    /** What it returned, once it did. */
    volatile Long value;

    TaskEntry(Node body) {
      this.body = body;
    }
  }

  /** The mutexes; the value is unused. */
  private final List<Mutex<Object>> mutexes = new ArrayList<>();

  /** How many tasks hold each mutex now: 0 or 1. */
  private final AtomicInteger[] lockHolders = new AtomicInteger[MUTEXES];

  /** The semaphores. */
  private final List<Semaphore> semaphores = new ArrayList<>();

  /** Permits of each semaphore held by the program now. */
  private final AtomicInteger[] permitsOut = new AtomicInteger[SEMAPHORES];

  /** The channels. */
  private final List<Mpsc.Channel<Long>> channels = new ArrayList<>();

  /** One receiver at a time per channel (the receiver allows one consumer). */
  private final List<Mutex<Object>> receiveLocks = new ArrayList<>();

  /** The notifies. */
  private final List<Notify> notifies = new ArrayList<>();

  /** Node instances that began, by id. */
  private final Map<Integer, Node> entered = new ConcurrentHashMap<>();

  /** Finally blocks run, by node instance id. */
  private final Map<Integer, AtomicInteger> finallies = new ConcurrentHashMap<>();

  /** Next node instance id. */
  private final AtomicInteger nextInstance = new AtomicInteger();

  /** The tasks, by id. */
  private final List<TaskEntry> tasks = new CopyOnWriteArrayList<>();

  /** Next channel value; values are unique. */
  private final AtomicLong nextValue = new AtomicLong(1000);

  /** Values whose send completed. */
  private final Set<Long> sent = ConcurrentHashMap.newKeySet();

  /** Values whose send ended without completing (cancelled, abandoned or failed). */
  private final Set<Long> unsent = ConcurrentHashMap.newKeySet();

  /** Values received, in order, duplicates kept. */
  private final List<Long> received = new CopyOnWriteArrayList<>();

  /** Clean-ups that began, by id: the clean-up node. */
  private final Map<Integer, Node> cleanups = new ConcurrentHashMap<>();

  /** How each clean-up ended, by id: true if it completed. */
  private final Map<Integer, Boolean> cleanupEnds = new ConcurrentHashMap<>();

  /** Next clean-up id. */
  private final AtomicInteger nextCleanup = new AtomicInteger();

  /** The oneshot channels and their ledger. */
  private final OneshotSlots oneshots = new OneshotSlots();

  /** The watch channels and their ledger. */
  private final WatchSlots watches = new WatchSlots();

  /** The broadcast channels and their ledger. */
  private final BroadcastSlots broadcasts = new BroadcastSlots();

  /** The intervals and their ledger. */
  private final Ticks ticks = new Ticks();

  /** The ids of the tasks a {@code spawn-shared} shared, in order. */
  private final List<Integer> sharedTasks = new CopyOnWriteArrayList<>();

  /**
   * Awaits of shared handles under way: by awaited task id, how many awaits each awaiting task has
   * under way.
   */
  private final Map<Integer, Map<Integer, AtomicInteger>> joining = new ConcurrentHashMap<>();

  /** Blocking jobs that ran. */
  private final AtomicInteger blockingRan = new AtomicInteger();

  /** Awaits of shared handles that got the task's outcome. */
  private final AtomicInteger sharedJoins = new AtomicInteger();

  /** Node instances begun plus ended, and task starts and ends: any progress moves it. */
  private final AtomicLong progress = new AtomicLong();

  /** While the driver looks for lost wake-ups: what progressed, else null. */
  private volatile List<String> progressed;

  /** Violations seen while the program ran (a mutex held twice, a permit over-granted). */
  private final List<String> violations = new CopyOnWriteArrayList<>();

  Env() {
    for (int i = 0; i < MUTEXES; i++) {
      mutexes.add(new Mutex<>(null));
      lockHolders[i] = new AtomicInteger();
    }
    for (int i = 0; i < SEMAPHORES; i++) {
      semaphores.add(new Semaphore(SEMAPHORE_PERMITS));
      permitsOut[i] = new AtomicInteger();
    }
    for (int i = 0; i < CHANNELS; i++) {
      channels.add(i < BOUNDED_CHANNELS ? Mpsc.bounded(i + 1) : Mpsc.unbounded());
      receiveLocks.add(new Mutex<>(null));
    }
    for (int i = 0; i < NOTIFIES; i++) {
      notifies.add(new Notify());
    }
  }

  // Node instances.

  /**
   * Records that a node instance began running.
   *
   * @param node the node
   * @return its instance id, for {@link #exit}
   */
  public int enter(Node node) {
    int id = nextInstance.getAndIncrement();
    entered.put(id, node);
    finallies.put(id, new AtomicInteger());
    progressed("began", node);
    return id;
  }

  /**
   * Records that a node instance's {@code finally} ran.
   *
   * @param id from {@link #enter}
   */
  public void exit(int id) {
    finallies.get(id).incrementAndGet();
    progressed("ended", entered.get(id));
  }

  private void progressed(String what, Node node) {
    progress.incrementAndGet();
    List<String> seen = progressed;
    if (seen != null) {
      seen.add(what + " " + shorten(node.render()));
    }
  }

  /** @return a count that moves whenever a node instance begins or ends */
  long progress() {
    return progress.get();
  }

  /** From now on, records each node instance that begins or ends, for {@link #progressedSince}. */
  void watchProgress() {
    progressed = new CopyOnWriteArrayList<>();
  }

  /** @return what began or ended since {@link #watchProgress}; stops recording */
  List<String> progressedSince() {
    List<String> seen = progressed;
    progressed = null;
    return seen == null ? List.of() : seen;
  }

  /** @return how many node instances began */
  int instances() {
    return entered.size();
  }

  // Tasks.

  /**
   * Registers a task about to be spawned.
   *
   * @param body what it runs
   * @return its id
   */
  public synchronized int newTask(Node body) {
    tasks.add(new TaskEntry(body));
    return tasks.size() - 1;
  }

  /**
   * @param task the task's id
   * @param handle its handle, to abort it and check its end
   */
  public void spawned(int task, JoinHandle<Long> handle) {
    tasks.get(task).handle = handle;
  }

  /**
   * @param task a task's id
   * @return its handle, or null until its spawner stored it (a task may start before that)
   */
  public JoinHandle<Long> handle(int task) {
    return tasks.get(task).handle;
  }

  /** @param task the id of the task whose body began */
  public void taskStarted(int task) {
    tasks.get(task).starts.incrementAndGet();
  }

  /**
   * @param task the id of a task whose body returned
   * @param value what it returned
   */
  public void taskReturned(int task, long value) {
    tasks.get(task).value = value;
  }

  /**
   * @param task the id of the task whose body's {@code finally} ran
   * @param failure what it threw, or null
   */
  public void taskEnded(int task, Throwable failure) {
    TaskEntry t = tasks.get(task);
    t.failure = failure;
    t.ends.incrementAndGet();
  }

  /** @return the handles spawned so far (the driver aborts some) */
  List<JoinHandle<Long>> handles() {
    List<JoinHandle<Long>> handles = new ArrayList<>();
    for (TaskEntry t : tasks) {
      if (t.handle != null) {
        handles.add(t.handle);
      }
    }
    return handles;
  }

  /**
   * Returns a future ready when the task of {@code handle} ended, whatever its outcome.
   *
   * @param handle the task
   * @return a leaf future of 0 (returned) or -1 (threw or cancelled)
   */
  public Future<Long> joinQuietly(JoinHandle<Long> handle) {
    return new QuietJoin(handle);
  }

  // Resources.

  /**
   * Records that a non-cancellable clean-up began.
   *
   * @param cleanup the clean-up
   * @return its id, for {@link #cleanupEnded}
   */
  public int cleanupBegan(Node cleanup) {
    int id = nextCleanup.getAndIncrement();
    cleanups.put(id, cleanup);
    return id;
  }

  /**
   * @param id from {@link #cleanupBegan}
   * @param completed whether it ran to its end (or its own throw)
   */
  public void cleanupEnded(int id, boolean completed) {
    if (cleanupEnds.putIfAbsent(id, completed) != null) {
      violations.add("cleanup: the clean-up " + shorten(cleanups.get(id).render())
          + " ended twice");
    }
  }

  /** @param i index @return mutex {@code i} */
  public Mutex<Object> mutex(int i) {
    return mutexes.get(i);
  }

  /** @param i the mutex just locked */
  public void locked(int i) {
    int holders = lockHolders[i].incrementAndGet();
    if (holders != 1) {
      violations.add("lock: mutex m" + i + " granted while " + (holders - 1) + " holder(s) held it");
    }
  }

  /** @param i the mutex about to be unlocked */
  public void unlocking(int i) {
    lockHolders[i].decrementAndGet();
  }

  /** @param i index @return semaphore {@code i} */
  public Semaphore semaphore(int i) {
    return semaphores.get(i);
  }

  /**
   * @param i the semaphore
   * @param n permits just granted
   */
  public void acquired(int i, int n) {
    int out = permitsOut[i].addAndGet(n);
    if (out > SEMAPHORE_PERMITS) {
      violations.add("permits: semaphore s" + i + " granted " + out + " of its "
          + SEMAPHORE_PERMITS + " permits at once");
    }
  }

  /**
   * @param i the semaphore
   * @param n permits about to be given back
   */
  public void releasing(int i, int n) {
    permitsOut[i].addAndGet(-n);
  }

  /** @param i index @return the sender of channel {@code i} */
  public Mpsc.Sender<Long> sender(int i) {
    return channels.get(i).sender();
  }

  /** @param i index @return the receiver of channel {@code i} */
  public Mpsc.Receiver<Long> receiver(int i) {
    return channels.get(i).receiver();
  }

  /** @param i index @return the lock that lets one task at a time receive on channel {@code i} */
  public Mutex<Object> receiveLock(int i) {
    return receiveLocks.get(i);
  }

  /** @return a value never sent before */
  public long newValue() {
    return nextValue.getAndIncrement();
  }

  /**
   * @param value the value of a send that ended
   * @param completed whether the send completed (else it was cancelled, abandoned or failed)
   */
  public void sendEnded(long value, boolean completed) {
    (completed ? sent : unsent).add(value);
  }

  /** @param value a value just received (null if the channel reported closed) */
  public void received(Long value) {
    if (value == null) {
      violations.add("channel: recv returned null (closed) though no sender was closed");
    } else {
      received.add(value);
    }
  }

  /** @param i index @return notify {@code i} */
  public Notify notifier(int i) {
    return notifies.get(i);
  }

  /** @return the oneshot channels */
  public OneshotSlots oneshots() {
    return oneshots;
  }

  /** @return the watch channels */
  public WatchSlots watches() {
    return watches;
  }

  /** @return the broadcast channels */
  public BroadcastSlots broadcasts() {
    return broadcasts;
  }

  /** @return the intervals */
  public Ticks ticks() {
    return ticks;
  }

  /** @param timer the run's timer, which the intervals tick on from now */
  void startTicks(Timer timer) {
    ticks.start(timer);
  }

  /** @param task the id of a task whose handle the program shares from now on */
  public void share(int task) {
    sharedTasks.add(task);
  }

  /**
   * @param index any number
   * @return the id of the shared task {@code index} modulo their count, or -1 if none is shared
   */
  public int sharedTask(int index) {
    int n = sharedTasks.size();
    return n == 0 ? -1 : sharedTasks.get(index % n);
  }

  /**
   * @param target the task whose handle is about to be awaited
   * @param awaiter the awaiting task
   */
  public void joinBegan(int target, int awaiter) {
    joining.computeIfAbsent(target, t -> new ConcurrentHashMap<>())
        .computeIfAbsent(awaiter, a -> new AtomicInteger()).incrementAndGet();
  }

  /**
   * @param target the task whose handle an await of {@code awaiter} stopped awaiting
   * @param awaiter the awaiting task
   */
  public void joinEnded(int target, int awaiter) {
    joining.get(target).get(awaiter).decrementAndGet();
  }

  /**
   * Records what an await of a shared handle returned: the task's own value.
   *
   * @param target the awaited task
   * @param value what the await returned
   */
  public void joined(int target, long value) {
    sharedJoins.incrementAndGet();
    TaskEntry t = tasks.get(target);
    if (t.value == null || t.value != value) {
      violations.add("join: an await of task " + target + "'s handle returned " + value
          + " but the task " + (t.value == null ? "did not return" : "returned " + t.value));
    }
  }

  /**
   * Records what an await of a shared handle threw.
   *
   * @param target the awaited task
   * @param thrown what the await threw
   */
  public void joinThrew(int target, Throwable thrown) {
    sharedJoins.incrementAndGet();
    TaskEntry t = tasks.get(target);
    boolean cancelled = thrown instanceof CancelledException && t.handle.isFinished()
        && t.handle.isCancelled();
    if (!cancelled && (t.failure == null || t.failure.getClass() != thrown.getClass())) {
      violations.add("join: an await of task " + target + "'s handle threw " + thrown
          + " but the task ended with " + (t.failure == null ? "its value" : t.failure));
    }
  }

  /**
   * How many tasks await task {@code target}'s handle now.
   *
   * @param target a shared task
   * @return the awaiting tasks with an await under way
   */
  int awaitingTasks(int target) {
    int n = 0;
    for (AtomicInteger under : joining.getOrDefault(target, Map.of()).values()) {
      n += under.get() > 0 ? 1 : 0;
    }
    return n;
  }

  /** @return the ids of the shared tasks */
  List<Integer> sharedTasks() {
    return sharedTasks;
  }

  /** @return a blocking job that returns 8 at once; it must run once at most */
  public java.util.concurrent.Callable<Long> blockingJob() {
    AtomicInteger runs = new AtomicInteger();
    return () -> {
      if (runs.incrementAndGet() != 1) {
        violations.add("blocking: a spawnBlocking job ran " + runs + " times");
      }
      blockingRan.incrementAndGet();
      return 8L;
    };
  }

  /** @param value what an await of {@code spawnBlocking} returned */
  public void blockingReturned(long value) {
    if (value != 8) {
      violations.add("blocking: an await of spawnBlocking returned " + value + ", not its job's 8");
    }
  }

  /** Notifies every notify's waiters and sends on every channel with room: wakes whoever waits. */
  void wakeEverything() {
    for (Notify n : notifies) {
      n.notifyWaiters();
      n.notifyOne();
    }
    for (int i = 0; i < CHANNELS; i++) {
      long value = newValue();
      if (sender(i).trySend(value)) {
        sent.add(value);
      }
    }
    for (int i = 0; i < OneshotSlots.SLOTS; i++) {
      oneshots.takeSender(i).send(newValue());
    }
    for (int i = 0; i < WatchSlots.SLOTS; i++) {
      watches.current(i).send(newValue());
    }
    for (int i = 0; i < BroadcastSlots.SLOTS; i++) {
      broadcasts.current(i).send(newValue());
    }
  }

  /**
   * A task the program no longer holds.
   *
   * @param task its id
   * @param body its program, rendered
   * @param handle its handle, weakly
   */
  record Held(int task, String body, WeakReference<JoinHandle<Long>> handle) {}

  /**
   * Lets go of every task's handle, for the check that nothing else holds them.
   *
   * @return the tasks, weakly held
   */
  List<Held> forgetHandles() {
    List<Held> held = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      TaskEntry t = tasks.get(i);
      if (t.handle != null) {
        held.add(new Held(i, shorten(t.body.render()), new WeakReference<>(t.handle)));
        t.handle = null;
      }
    }
    return held;
  }

  // Invariants.

  /**
   * Checks every invariant, once every task should have ended and the runtime is shut down.
   *
   * @param timer the runtime's manual timer
   * @return one line per violation, each starting with its kind and a colon
   */
  List<String> check(Timer timer) {
    List<String> found = new ArrayList<>(violations);
    // Every finally exactly once.
    entered.forEach((id, node) -> {
      int n = finallies.get(id).get();
      if (n != 1) {
        found.add("finally: the finally of " + shorten(node.render()) + " ran " + n + " times");
      }
    });
    // Every non-cancellable clean-up that began completed, cancelled or not.
    cleanups.forEach((id, node) -> {
      Boolean completed = cleanupEnds.get(id);
      if (completed == null) {
        found.add("cleanup: the clean-up " + shorten(node.render()) + " began but never ended");
      } else if (!completed) {
        found.add("cleanup: the non-cancellable clean-up " + shorten(node.render())
            + " was cut short");
      }
    });
    // Every task ends exactly once, finished xor cancelled.
    for (int i = 0; i < tasks.size(); i++) {
      TaskEntry t = tasks.get(i);
      JoinHandle<Long> h = t.handle;
      String what = "task " + i + " " + shorten(t.body.render());
      if (h == null) {
        continue; // its spawn was refused (runtime shutting down): no task
      }
      if (!h.isFinished()) {
        found.add("task: " + what + " is not finished after shutdown");
      }
      if (t.ends.get() > 1 || t.starts.get() > 1) {
        found.add("task: " + what + " began " + t.starts + " and ended " + t.ends + " times");
      } else if (t.starts.get() == 1 && t.ends.get() == 0) {
        found.add("task: " + what + " began but its finally never ran");
      } else if (t.starts.get() == 0 && h.isFinished() && !h.isCancelled()) {
        found.add("task: " + what + " finished without running and without being cancelled");
      }
      // isFailed() asked of every task, not only of a cancelled one: it also tells the runtime
      // that the failure was seen, so a task that failed on purpose is not reported as failing
      // unseen when the collector takes it (UnseenFailures).
      boolean failed = h.isFailed();
      if (h.isCancelled() && failed) {
        found.add("task: " + what + " reports both cancelled and failed");
      }
      if (t.ends.get() == 1 && t.failure == null && h.isCancelled()) {
        found.add("task: " + what + " returned a value but reports cancelled");
      }
      Throwable f = t.failure;
      if (f != null && !(f instanceof FuzzFailure || f instanceof CheckedFuzzFailure
          || f instanceof CancelledException || f instanceof RejectedExecutionException)) {
        found.add("exception: " + what + " failed with " + f);
      }
    }
    // Every lock and permit returned.
    for (int i = 0; i < MUTEXES; i++) {
      Mutex.Guard<Object> g = mutexes.get(i).tryLock();
      if (g == null) {
        found.add("lock: mutex m" + i + " is still locked after every task ended");
      } else {
        g.close();
      }
    }
    for (int i = 0; i < SEMAPHORES; i++) {
      long available = semaphores.get(i).available();
      if (available != SEMAPHORE_PERMITS) {
        found.add("permits: semaphore s" + i + " has " + available + " of its "
            + SEMAPHORE_PERMITS + " permits after every task ended");
      }
    }
    // Every channel value delivered once, or reported undelivered.
    List<Long> delivered = new ArrayList<>(received);
    for (int i = 0; i < CHANNELS; i++) {
      for (Long v = receiver(i).tryRecv(); v != null; v = receiver(i).tryRecv()) {
        delivered.add(v);
      }
    }
    Set<Long> seen = new HashSet<>();
    for (Long v : delivered) {
      if (!seen.add(v)) {
        found.add("channel: value " + v + " was delivered twice");
      } else if (unsent.contains(v)) {
        found.add("channel: value " + v + " was delivered though its send was cancelled");
      } else if (!sent.contains(v)) {
        found.add("channel: value " + v + " was delivered but its send never ended");
      }
    }
    for (Long v : sent) {
      if (!seen.contains(v)) {
        found.add("channel: value " + v + " was sent but never delivered nor left in the queue");
      }
    }
    // No primitive still queues a waiting future: each left when it ended or was abandoned.
    for (int i = 0; i < MUTEXES; i++) {
      registered(found, "mutex m" + i, mutexes.get(i), "waiterCount");
    }
    for (int i = 0; i < SEMAPHORES; i++) {
      registered(found, "semaphore s" + i, semaphores.get(i), "waiterCount");
    }
    for (int i = 0; i < NOTIFIES; i++) {
      registered(found, "notify n" + i, notifies.get(i), "waiterCount");
    }
    for (int i = 0; i < CHANNELS; i++) {
      registered(found, "channel c" + i + "'s sender", sender(i), "waitingSends");
      registered(found, "channel c" + i + "'s receiver", receiver(i), "waitingReceives");
      registered(found, "channel c" + i + "'s receive lock", receiveLocks.get(i), "waiterCount");
    }
    oneshots.check(found);
    watches.check(found);
    broadcasts.check(found);
    ticks.check(found);
    // The timer holds no entry for a dropped sleep.
    int pending = timer.pending();
    if (pending != 0) {
      found.add("timer: the timer holds " + pending + " sleep(s) after every task ended");
    }
    return found;
  }

  /**
   * Adds what this run exercised to {@code tally}.
   *
   * @param tally the batch's sums
   */
  void tally(Tally tally) {
    tally.runs.increment();
    tally.sharedJoins.add(sharedJoins.get());
    tally.blockingJobs.add(blockingRan.get());
    tally.nodes.add(entered.size());
    for (TaskEntry t : tasks) {
      Throwable f = t.failure;
      if (t.handle == null) {
        continue;
      } else if (t.starts.get() == 0) {
        tally.neverRan.increment();
      } else if (f == null) {
        tally.returned.increment();
      } else if (f instanceof CancelledException) {
        tally.cancelled.increment();
      } else {
        tally.failed.increment();
      }
    }
  }

  private static void registered(List<String> found, String name, Object primitive,
      String counter) {
    int n = Registered.count(primitive, counter);
    if (n != 0) {
      found.add("registered: " + name + " still queues " + n + " waiting future(s) after every "
          + "task ended");
    }
  }

  static String shorten(String text) {
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }
}
