// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.internal.RuntimeThreads;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A current-thread runtime's scheduler: drained by whichever thread drives the runtime ({@code
 * blockOn}, {@code close} while it waits for tasks, or a test's {@link #runOne}).
 *
 * <p>Two queues. A wake from the driving thread itself (a task waking another, a spawn from a
 * task) goes to {@link #ready}, an array deque only the driver touches, through the task's local
 * word ({@link TaskState#localWake}): no lock, no allocation, no atomic operation. A wake from any
 * other thread goes through the task's shared word to {@link #incoming}, a lock-free queue of
 * array chunks ({@link IncomingQueue}), and unparks the driver only if the driver said it is
 * parked or about to be; an unpark that comes before the park is kept by the thread's permit.
 * With a {@link Parker} installed (an I/O driver), the driver selects instead of parking, and an
 * unpark goes through the parker. The driver moves the outside wakes, in one batch, behind {@code
 * ready} when {@code ready} runs dry, every {@link #INCOMING_INTERVAL} tasks, and before a task
 * that woke itself is queued again, so that outside wakes are never starved and a task that
 * yields goes behind everything ready; a task woken both ways is queued once ({@link
 * TaskState#takeFromIncoming}). Neither queue puts anything in the task (a link there would cost
 * every parked task 4 bytes).
 *
 * <h2>Stopping, and the wakes that race it</h2>
 *
 * <p>Once the runtime's shutdown ended ({@link #stop()}) nobody drives it again (but a {@code
 * blockOn} called after it, which runs what it finds), so a task woken from another thread then
 * must not stay queued: it is given up (completed as cancelled, its awaiters told). Only the
 * holder of the claim ({@link #driver}) may touch the queues and complete a task, and at the
 * moment of the stop the shutdown itself holds it. Two flags, read without a lock:
 *
 * <pre>
 *   stopped:        clear ──stop()──▶ set (final)
 *   strandedWakes:  clear ──a wake that read stopped set after its push, or a stop() off the
 *                           claim──▶ set
 *                   set ──the claim holder that gives up what is queued, before it drains──▶ clear
 *
 *   a wake from another thread (schedule):
 *     push the task; then read stopped:  clear → done (the driver runs it, or the stop's holder
 *                                                   gives it up at its release)
 *                                        set   → set strandedWakes, then hand off (CAS
 *                                                giveUpHandedOff clear → set):
 *                                                won  → the job, on the tinyrt-give-up thread:
 *                                                       clear giveUpHandedOff, then while
 *                                                       strandedWakes is set try the claim (CAS):
 *                                                       won  → give up everything queued,
 *                                                              release
 *                                                       lost → done (its holder gives it up at
 *                                                              release)
 *                                                lost → done (the pending job sees the flag)
 *                                                the hand-off failed → clear giveUpHandedOff,
 *                                                       then the job's loop on this thread
 *   stop():     set stopped; then if this thread holds the claim (the shutdown), done (its
 *               release gives up what is queued); else set strandedWakes and, on this thread,
 *               run the loop of a wake's job
 *   release():  if stopped, give up everything queued (incoming, then ready, with whatever the
 *               give-ups wake here); write driver = null; then if strandedWakes is set, claim
 *               again and give up everything queued, until it is clear or another thread holds
 *               the claim
 * </pre>
 *
 * <p>Why no task stays queued. Two Dekker pairs of volatile accesses. The first: a wake writes its
 * slot, then reads {@code stopped}; {@code stop()} writes {@code stopped}, then the holder's
 * release (or the stopping thread's own claim) drains. Either the drain sees the slot, or the wake
 * sees {@code stopped}. The second: that wake writes {@code strandedWakes}, then CASes {@link
 * #driver}; a holder writes {@code driver = null}, then reads {@code strandedWakes}. Either the CAS
 * finds the claim free (the wake's job drains), or the holder it failed on reads the flag after its
 * release (and drains, or a later holder does: each reads the flag after its own release). A
 * holder clears the flag before it drains, so a wake that set it before the clear is drained
 * there, and one that set it after is seen at that holder's release. The hand-off only moves the
 * waker's claim attempt to the give-up thread: a wake that hands off a job writes the flag before
 * the job's CAS; one whose CAS of {@code giveUpHandedOff} finds it set read it before the pending
 * job cleared it, and that job reads {@code strandedWakes} after its clear, so it sees the flag
 * (and tries the claim as the wake would have). A drain that stops early at
 * a slot claimed but not yet written (its producer between its two steps) is covered by that
 * producer: it reads {@code stopped} after its write. Each queued entry is taken by one drain
 * ({@link TaskState#takeFromIncoming}) and a give-up of a completed task does nothing, so every
 * woken task is given up once, or run by a {@code blockOn} after the stop.
 * {@code WakeRacingStopModelCheckTest} model-checks this.
 *
 * <p>The give-up runs the user's frames (finally blocks, drops, awaiters' callbacks): a wake hands
 * it to the library's {@code tinyrt-give-up} thread ({@link GiveUpThread}), once per stranding,
 * so that it does not run on a timer thread, an I/O thread or inside someone's {@code send}; if
 * the hand-off fails it runs on the waker's thread, as the only way left to keep the promise.
 *
 * <p>The common wake pays nothing for it: one volatile read of {@code stopped}, after the push
 * instead of before it.
 *
 * <p>A give-up holds the claim only for a moment, and nobody drives the runtime meanwhile: so a
 * claim of a stopped runtime ({@code close()} again, or a {@code blockOn}, which runs what it
 * finds) that finds the claim held waits for its release ({@link #awaitGiveUp}: a monitor and a
 * waiter count, each holder's release notifying), unless the holder is a thread that drives the
 * runtime ({@link #claimant}: marked after its claim), which makes the claim fail at once as on
 * a running runtime.
 */
final class CurrentThreadScheduler implements Scheduler, IncomingQueue.Sink {

  /** Every this many tasks, the driver takes in the outside wakes even if it has other tasks. */
  static final int INCOMING_INTERVAL = 61;

  /**
   * At most this many outside wakes move to {@link #ready} at a time in the drive loop; the rest
   * wait, in order, in {@link #incoming}, which holds them anyway. Taking a million at once (one
   * thread completing a million prices faster than they run) grew the ready deque to arrays of
   * megabytes: humongous for G1, allocated and zeroed in the middle of the work, and a collection
   * pause started by the allocation (the 1M carts, docs/benchmarks.md section 17).
   */
  static final int INCOMING_BATCH = 1024;

  /**
   * How many times the driver looks at the outside wakes, with a spin-wait hint between looks,
   * before it parks after running tasks: a few microseconds.
   */
  static final int SPIN_LOOKS = 128;

  private static final VarHandle DRIVER;

  private static final VarHandle GIVE_UP_HANDED_OFF;

  static {
    try {
      DRIVER = MethodHandles.lookup()
          .findVarHandle(CurrentThreadScheduler.class, "driver", Thread.class);
      GIVE_UP_HANDED_OFF = MethodHandles.lookup()
          .findVarHandle(CurrentThreadScheduler.class, "giveUpHandedOff", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The runtime whose tasks run here, made current while a thread drives it. */
  private final AsyncRuntime runtime;

  /**
   * Tasks run since the ready queue was last replaced, at or past which the driver replaces it by
   * an empty one when it goes idle or stops driving (see {@link #ready}).
   */
  static final int READY_RENEW_TASKS = 4096;

  /**
   * Tasks to run, in order. Only the driving thread (or, with no driver, a test's) touches it. An
   * {@code ArrayDeque} never shrinks: after a burst (a million tasks spawned from outside and
   * taken in at once) it would keep its largest array, 4 bytes a task, for the runtime's life, and
   * that array, old by then, would make every later queued task a store into an old object. So
   * the driver replaces it by a new one when it finds it empty on going idle or when its drive
   * ends, once at least {@link #READY_RENEW_TASKS} tasks ran since the last time: a runtime
   * that parks often allocates no deque per park, and one that queued N tasks at once keeps at
   * most an array for max(N, that many) tasks until it next goes idle.
   */
  private ArrayDeque<Task<?>> ready = new ArrayDeque<>();

  /** Tasks woken from other threads since the driver last took them, in wake order. */
  private final IncomingQueue incoming = new IncomingQueue();

  /**
   * The thread driving the runtime ({@code blockOn}, or {@code close} from its claim to its end),
   * if any. Set by a CAS from null in {@link #claim}, cleared by its owner in {@link #release}.
   */
  private volatile Thread driver;

  /**
   * The thread that holds the claim through {@link #claim} ({@code blockOn}, {@code close}, {@link
   * #runOne}): one that drives the runtime, as opposed to a give-up on a stopped runtime, which
   * holds the claim only for a moment. Set by the holder after its claim's CAS, cleared by it
   * before its release; null otherwise.
   */
  private volatile Thread claimant;

  /**
   * The monitor on which claims of a stopped runtime wait while a give-up holds the claim (see
   * {@link #awaitGiveUp}); a holder that releases the claim, or a claimant that marks itself,
   * notifies it when {@link #claimWaiters} says someone waits.
   */
  private final Object claimWaits = new Object();

  /** How many claims wait on {@link #claimWaits} now. Written under it; read without it. */
  private volatile int claimWaiters;

  /**
   * Counts the tasks {@link #runOne} ran, for {@link #INCOMING_INTERVAL}; {@link #driveClaimed}
   * counts in a local variable instead, so that the driver does not write, once per task, the
   * line other threads read {@link #driver} from when they wake a task. Driver only.
   */
  private int tick;

  /** What the driver does when idle instead of {@code LockSupport.park} (an I/O driver), or null. */
  private volatile Parker parker;

  /**
   * Set by {@link #stop()}, at the end of the runtime's shutdown: no parker may be installed any
   * more, and the tasks that wakes from other threads queue are given up (see the class comment).
   * Written under {@code this}; volatile, so a wake reads it without the lock.
   */
  private volatile boolean stopped;

  /**
   * Set once the runtime stopped, by a wake from another thread that read {@link #stopped} set
   * after its push, or by a {@link #stop()} off the claim: whoever holds the claim next (or this
   * thread, if it is free) must give up everything queued. Cleared by the claim holder that does,
   * before it drains. See the class comment.
   */
  private volatile boolean strandedWakes;

  /**
   * Set by the wake that hands the give-up of stranded tasks to {@link #giveUpExecutor} (a CAS
   * from clear, so that many wakes hand off one job), cleared by that job before it looks at
   * {@link #strandedWakes}, or by the wake if the hand-off failed. See the class comment.
   */
  private volatile boolean giveUpHandedOff;

  /**
   * Where a wake that finds the runtime stopped hands the give-up of what is queued; null for the
   * library's {@code tinyrt-give-up} thread ({@link GiveUpThread#EXECUTOR}, read where it is used,
   * so that no runtime's object graph reaches that pool's thread: Lincheck walks a model check's
   * objects, and from a live thread it reached a record of the class loader's, which it cannot
   * read on Java 25). A model check sets one that runs it inline, before any wake.
   */
  private Executor giveUpExecutor;

  /** Counts the tasks run since the parker was last polled, for {@link #INCOMING_INTERVAL}. */
  private int sinceParkerPolled;

  /** How many completed tasks the drive loop takes out of the live list at once. */
  static final int FINISHED_BATCH = 64;

  /**
   * The tasks the drive loop completed and has not taken out of the live list yet. Its own
   * object, allocated after the incoming queue's first chunk, so that its count, written once
   * per completion, is not on the line other threads read {@link #driver} from at each wake.
   */
  private final FinishedBatch finished = new FinishedBatch();

  /** Completed tasks waiting to leave the live list together. Driver only. */
  private static final class FinishedBatch {

    /** The tasks, at indexes 0 to {@link #count} - 1. */
    final Task<?>[] tasks = new Task<?>[FINISHED_BATCH];

    /** How many of {@link #tasks} are filled. */
    int count;

    /**
     * Set while {@link #driveClaimed} runs its loop: only then are completions batched (it takes
     * them out before it parks, and when it returns).
     */
    boolean batching;
  }

  /** @param runtime the runtime whose tasks run here */
  CurrentThreadScheduler(AsyncRuntime runtime) {
    this.runtime = runtime;
  }

  /**
   * A task this runtime's driver completed: inside the drive loop it is taken out of the live list
   * later, with up to {@link #FINISHED_BATCH} others (one lock section and one count change for
   * all of them, and the stores into the moved tasks' slots overlap), so that the completions of
   * a busy runtime cost less. Meanwhile the live count may include it (never more than one batch),
   * and {@link TaskList#snapshot} leaves it out (it is complete). Taken out before the loop parks,
   * and when it returns, so a runtime that waits, or a shutdown that waits for the count to reach
   * zero, sees it exact.
   *
   * @param task the task just completed, by this thread
   * @return false if the caller must take the task out of the live list now (not in the drive
   *     loop, or not on the driving thread)
   */
  boolean finishedLater(Task<?> task) {
    FinishedBatch batch = finished;
    if (!batch.batching || !isDriving()) {
      return false;
    }
    batch.tasks[batch.count++] = task;
    if (batch.count == FINISHED_BATCH) {
      removeFinished();
    }
    return true;
  }

  /** Takes the batched completed tasks out of the live list. Driver only. */
  private void removeFinished() {
    FinishedBatch batch = finished;
    int n = batch.count;
    if (n == 0) {
      return;
    }
    batch.count = 0;
    runtime.liveList().removeAll(batch.tasks, n);
    Arrays.fill(batch.tasks, 0, n, null);
  }

  /** @return whether the calling thread drives this runtime now (holds its claim) */
  boolean isDriving() {
    return Thread.currentThread() == driver;
  }

  /**
   * A wake from the driving thread: queues {@code task} on {@link #ready} unless it is queued,
   * being polled (then it is queued when its poll ends) or complete. Driver only.
   *
   * @param task the woken task, of this runtime
   */
  void wakeLocal(Task<?> task) {
    if (task.localWake() == TaskState.Wake.SCHEDULE) {
      appendLocal(task);
    }
  }

  /**
   * Queues {@code task}, which woke itself while it was polled, behind everything ready, the
   * outside wakes included. Driver only; the task has LOCAL_QUEUED.
   */
  void requeueYielded(Task<?> task) {
    takeIncoming();
    appendLocal(task);
  }

  /** Appends a task that has LOCAL_QUEUED to {@link #ready}; never throws (a wake never does). */
  private void appendLocal(Task<?> task) {
    try {
      ready.addLast(task);
    } catch (RuntimeException | Error refused) {
      // The deque could not grow: the task can never run again, so it is cancelled rather than
      // left live with its awaiters waiting forever, as for any refused wake.
      task.localUnqueued();
      runtime.lostWake(task, refused);
    }
  }

  /**
   * A wake from any thread but the driving one (the task's shared word has SCHEDULED): pushes the
   * task on {@link #incoming} and unparks the driver if it parks. Once the runtime's shutdown
   * ended ({@link #stop()}) nobody will drive the task again, so it is given up (completed as
   * cancelled) rather than left queued and live forever: by this thread if the runtime is free,
   * else by the thread that holds it, when it releases it (see the class comment).
   */
  @Override
  public void schedule(Task<?> task) {
    // The queue tells whether the driver announced a park before it could see this task (a
    // blockOn after the stop may be parked: it runs the task).
    if (incoming.push(task)) {
      unparkDriver(driver);
    }
    // Ordering: a volatile read after the slot's volatile write in push: with stop()'s write of
    // stopped before the drain that gives up what is queued, a Dekker pair. If this reads it
    // clear, that drain comes after the push and sees the task; if set, this thread sees to it.
    if (stopped) {
      handOffStranded();
    }
  }

  /**
   * Sets where wakes hand off the give-up of stranded tasks (a model check runs it inline, a test
   * makes the hand-off fail). Call it before any wake.
   *
   * @param executor the executor
   */
  void giveUpExecutor(Executor executor) {
    giveUpExecutor = executor;
  }

  /**
   * A wake from another thread found the runtime stopped: marks the stranding, and hands the
   * give-up of what is queued to {@link #giveUpExecutor}, unless a job handed off earlier has not
   * looked at the mark yet (it will see this one). The user's frames that a give-up runs (finally
   * blocks, drops, awaiters' callbacks) so run on the give-up thread, not on the waker's (a timer
   * thread, an I/O thread, a user's send). If the hand-off fails (no memory for the thread or the
   * job, a rejection), this thread gives up what is queued itself.
   */
  private void handOffStranded() {
    // Ordering: a volatile write before the CAS of giveUpHandedOff below (and, through it, before
    // the claim's CAS of the job that reads it): the waker's half of the second Dekker pair.
    strandedWakes = true;
    // Ordering: a CAS: of the wakes that find no job pending, one hands off. One that finds it set
    // read it before the pending job cleared it, so its write of strandedWakes above comes before
    // that job's read of strandedWakes (which follows the clear).
    if (!GIVE_UP_HANDED_OFF.compareAndSet(this, false, true)) {
      return;
    }
    try {
      Executor executor = giveUpExecutor;
      (executor != null ? executor : GiveUpThread.EXECUTOR).execute(this::giveUpHandedOff);
    } catch (RuntimeException | Error refused) {
      // Ordering: a volatile write, so that a later stranding hands off again; this thread then
      // reads strandedWakes (its own write, at least) and drains.
      giveUpHandedOff = false;
      drainStranded();
    }
  }

  /** The handed-off job: gives up what is queued, on the give-up thread. */
  private void giveUpHandedOff() {
    // Ordering: a volatile write before drainStranded's read of strandedWakes: a wake whose CAS
    // found the flag set wrote strandedWakes before this clear, so the read sees it; one that
    // comes after the clear hands off a job of its own.
    giveUpHandedOff = false;
    drainStranded();
  }

  /**
   * Wakes the driving thread from its park, or makes its next park return: through the installed
   * {@link Parker} (a selecting thread is woken by its selector), else {@code LockSupport}.
   *
   * @param thread the driving thread, or null if none
   */
  void unparkDriver(Thread thread) {
    Parker p = parker;
    if (p != null) {
      p.unpark();
    } else if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * Returns the parker of the driving thread, installing the one {@code make} returns on the first
   * call. A driver parked meanwhile is unparked, so that it parks again with the new parker.
   *
   * @param make makes the parker
   * @return the installed parker
   * @throws IllegalStateException once the runtime stopped: a parker made now would never be
   *     stopped (an I/O driver's selector would leak)
   */
  synchronized Parker parker(Supplier<? extends Parker> make) {
    if (stopped) {
      throw runtime.socketsRefused();
    }
    Parker p = parker;
    if (p == null) {
      p = make.get();
      parker = p;
      Thread d = driver;
      if (d != null) {
        LockSupport.unpark(d);
      }
    }
    return p;
  }

  /**
   * Runs tasks on this thread until {@code done} says so or the deadline passes, parking while
   * there is nothing to run. Whatever {@code done} waits for must unpark this thread when it
   * changes. An interrupt does not stop it; the interrupt status is kept. The runtime is current
   * meanwhile (for {@code Tasks.spawn}), and the thread is marked as running its tasks.
   *
   * @param done checked before each task and after each unpark
   * @param deadlineNanos a {@code System.nanoTime()} deadline, or {@code Long.MAX_VALUE}
   * @return whether {@code done} became true
   */
  boolean drive(BooleanSupplier done, long deadlineNanos) {
    claim("blockOn", "await the future instead of blocking on it");
    try {
      return driveClaimed(done, deadlineNanos);
    } finally {
      release();
    }
  }

  /**
   * Makes this thread the runtime's only driver, until {@link #release}.
   *
   * @param call what needs to drive the runtime, for the message: {@code "blockOn"}, {@code
   *     "close()"}
   * @param fixInside what to do instead when it is called inside the runtime's own blockOn
   * @throws IllegalStateException if a thread drives it already (this one, or another); on a
   *     stopped runtime, a give-up that holds the claim for a moment (a wake's, see the class
   *     comment) is waited for instead
   */
  void claim(String call, String fixInside) {
    Thread self = Thread.currentThread();
    // Ordering: a CAS, so that of two threads that start driving at once only one wins; it is
    // volatile, so the winner sees what the last driver's release published (ready, the tasks'
    // local words).
    Thread witness = (Thread) DRIVER.compareAndExchange(this, (Thread) null, self);
    // On a stopped runtime the holder may be a give-up, there for a moment: wait for it.
    if (witness != null && witness != self && stopped) {
      witness = awaitGiveUp(self);
    }
    if (witness == null) {
      markClaimant(self);
      return;
    }
    if (witness == self) {
      throw new IllegalStateException(call + " of runtime " + runtime.name() + " inside its own "
          + "blockOn (a task or the blocked-on future called it): " + fixInside);
    }
    throw new IllegalStateException(call + " of runtime " + runtime.name() + " on thread "
        + self.getName() + " while thread " + witness.getName() + " drives it (in blockOn or "
        + "close): a current-thread runtime runs on one thread at a time; call it on that "
        + "thread after its blockOn returns, or use a multi-threaded runtime");
  }

  /**
   * Waits, on a stopped runtime, for the give-up that holds the claim to release it, and claims it
   * then. A give-up holds it only while it completes what is queued; a thread that drives the
   * runtime ({@link #claimant}: a {@code blockOn} after the stop) may hold it for ever, so a claim
   * that finds one gives up at once, as on a running runtime.
   *
   * @param self the calling thread
   * @return null once this thread holds the claim; else the thread that drives the runtime
   */
  private Thread awaitGiveUp(Thread self) {
    boolean interrupted = false;
    synchronized (claimWaits) {
      // Ordering: a volatile write before the CAS below (the waiter's half of a Dekker pair with
      // a holder's driver = null, then read of claimWaiters; and with a claimant's mark, then
      // read of claimWaiters): either the CAS or the read of claimant sees the holder's write, or
      // the holder sees this count and notifies, which the monitor holds back until this thread
      // waits.
      claimWaiters++;
      try {
        while (true) {
          // Ordering: a CAS, as in claim.
          Thread witness = (Thread) DRIVER.compareAndExchange(this, (Thread) null, self);
          // Ordering: a volatile read after the CAS: a driver marks itself after its own CAS, so
          // if this misses the mark of the witness, the witness notifies after its mark.
          if (witness == null || witness == self || claimant == witness) {
            return witness;
          }
          try {
            claimWaits.wait();
          } catch (InterruptedException e) {
            interrupted = true; // the claim is not abandoned: the give-up ends soon
          }
        }
      } finally {
        claimWaiters--;
        if (interrupted) {
          self.interrupt();
        }
      }
    }
  }

  /** @return how many claims of this stopped runtime wait for a give-up now (for tests) */
  int claimWaiters() {
    return claimWaiters;
  }

  /** Marks this thread, which just claimed the runtime, as the one that drives it. */
  private void markClaimant(Thread self) {
    // Ordering: a volatile write, then the volatile read of claimWaiters: a claim that waits
    // counted itself before it read claimant (awaitGiveUp), so one of the two sees the other.
    claimant = self;
    notifyClaimWaiters();
  }

  /**
   * Wakes the claims that wait for the claim (awaitGiveUp), if any: it was released, or its
   * holder turned out to drive the runtime.
   */
  private void notifyClaimWaiters() {
    // Ordering: a volatile read after the caller's volatile write (driver = null, or the mark of
    // claimant): the holder's half of the Dekker pair in awaitGiveUp.
    if (claimWaiters != 0) {
      synchronized (claimWaits) {
        claimWaits.notifyAll();
      }
    }
  }

  /**
   * Gives up {@code task}, which a thread that does not drive this runtime could not queue (out of
   * memory for a queue chunk), if the runtime stopped: nobody drives a stopped runtime (unless a
   * {@code blockOn} after its shutdown), so this thread claims it, completes the task as
   * cancelled, and its release gives up likewise every task queued here (a task of this runtime
   * that awaited the given-up one is woken into the ready queue of this thread, which runs nothing
   * now).
   *
   * @param task the task a wake from this thread could not queue
   * @param reason why it is given up, for its cancellation's message
   * @return false if the runtime has not stopped or another thread drives it: then the caller asks
   *     for cancellation instead, which that driver delivers
   */
  boolean giveUpStopped(Task<?> task, GiveUpReason reason) {
    // Ordering: a CAS, as in claim: the winner sees what the last driver's release published.
    Thread self = Thread.currentThread();
    if (!stopped || DRIVER.compareAndExchange(this, (Thread) null, self) != null) {
      return false;
    }
    try {
      task.giveUp(reason); // this thread drives the runtime now: it completes the task
    } finally {
      release();
    }
    return true;
  }

  /**
   * Ends this thread's {@link #claim}. On a stopped runtime it first gives up everything queued,
   * and after it gives up what wakes stranded meanwhile (see the class comment).
   */
  void release() {
    // A stopped runtime keeps nothing queued: nobody may ever drive it again.
    if (stopped) {
      giveUpQueued();
    }
    // Ordering: a volatile write before driver = null below: a claim whose CAS finds a later
    // holder reads claimant after that CAS, so it never takes the later holder for this one.
    claimant = null;
    // Ordering: a volatile write: the next claim's CAS sees everything this driver wrote. It comes
    // before the read of strandedWakes below: a wake whose CAS failed on this claim wrote the flag
    // before that CAS, so the read sees it (the holder's half of the second Dekker pair).
    driver = null;
    notifyClaimWaiters();
    if (strandedWakes) {
      giveUpStranded();
    }
  }

  /**
   * A wake (or a stop) found the runtime stopped, with something perhaps left queued: gives up
   * everything queued if the claim is free, as long as wakes keep stranding tasks; if another
   * thread holds the claim, leaves it to that thread's release. Called without the claim.
   */
  private void giveUpStranded() {
    // Ordering: a volatile write before the claim's CAS (the waker's half of the second Dekker
    // pair): a holder that the CAS fails on reads it after its release.
    strandedWakes = true;
    drainStranded();
  }

  /**
   * Gives up everything queued while {@link #strandedWakes} is set and the claim is free; leaves
   * it to the holder's release if another thread holds the claim. Called without the claim.
   */
  private void drainStranded() {
    Thread self = Thread.currentThread();
    // Ordering: each CAS, as in claim, sees what the last holder published; the volatile read of
    // strandedWakes after this thread's own release sees a wake whose CAS failed on this thread.
    while (strandedWakes && DRIVER.compareAndExchange(this, (Thread) null, self) == null) {
      try {
        giveUpQueued();
      } finally {
        driver = null; // not release(): this loop is its check of strandedWakes
        notifyClaimWaiters(); // a claim of the stopped runtime may wait for this give-up
      }
    }
  }

  /**
   * Gives up every task queued here, the outside wakes first taken in, then the ready queue, with
   * the tasks of this runtime that the give-ups wake (queued on this thread's ready queue). The
   * runtime stopped; the caller holds the claim.
   */
  private void giveUpQueued() {
    // Ordering: a volatile write before the drain's reads of the slots: a wake that sets the flag
    // before this clear pushed before it, so the drain below sees its task; one that sets it after
    // is seen by this holder's read after its release.
    strandedWakes = false;
    takeIncoming();
    Task<?> queued;
    while ((queued = ready.pollFirst()) != null) {
      queued.localUnqueued();
      // This thread holds the claim: it completes the task; may queue its awaiters.
      queued.giveUp(GiveUpReason.WOKEN_AFTER_STOP);
    }
  }

  /** {@link #drive} on a thread that holds the {@link #claim}, which it keeps. */
  boolean driveClaimed(BooleanSupplier done, long deadlineNanos) {
    Thread self = Thread.currentThread();
    AsyncRuntime previousRuntime = AsyncRuntime.enter(runtime);
    String previousMark = RuntimeThreads.mark("runtime " + runtime.name());
    boolean interrupted = false;
    int ticks = 0;
    int renewedAt = 0;
    boolean ranSinceIdle = false;
    finished.batching = true;
    try {
      while (true) {
        if (done.getAsBoolean()) {
          return true;
        }
        boolean lookOutside = ++ticks % INCOMING_INTERVAL == 0;
        // A deadline also ends a drive that always has a task to run (a task that wakes itself,
        // or spawns its successor, for ever): a shutdown's graceful wait and its unwinding end on
        // time. Looked at now and then, with the queue from outside.
        if (lookOutside && deadlineNanos != Long.MAX_VALUE
            && System.nanoTime() - deadlineNanos >= 0) {
          removeFinished(); // the completions batched so far count, as before a park
          return done.getAsBoolean();
        }
        Task<?> task = next(lookOutside);
        if (task != null) {
          ranSinceIdle = true;
          task.runLocal(this);
          pollParkerNowAndThen();
          continue;
        }
        // The completions batched so far leave the live list before this thread waits or gives
        // up at its deadline: whatever done() or another thread counts then is exact.
        if (finished.count != 0) {
          removeFinished();
          continue;
        }
        long left = deadlineNanos - System.nanoTime();
        if (deadlineNanos != Long.MAX_VALUE && left <= 0) {
          return false;
        }
        // Outside wakes may be flowing (a task ran since this thread last went idle): look at
        // the queue a little longer before parking. A thread that wakes tasks one after another
        // (one driver sending 2M prices) otherwise finds this thread parked after nearly every
        // batch it caught up with, and pays an unpark, a system call, each time (1M carts: up
        // to 18,000 parks a round); the pause costs this thread at most SPIN_LOOKS short waits
        // once per idle spell, and nothing while tasks are queued.
        if (ranSinceIdle && parker == null) {
          ranSinceIdle = false;
          if (incoming.awaitPush(SPIN_LOOKS)) {
            continue;
          }
        }
        // Idle, the ready queue empty: drop its array if a burst may have grown it.
        if (ticks - renewedAt >= READY_RENEW_TASKS) {
          renewedAt = ticks;
          ready = new ArrayDeque<>();
        }
        // A task pushed before this last look is seen here; one pushed after sees the park
        // announced and unparks us. Whatever done() waits for wakes this thread through
        // unparkDriver, which a park after the unpark also notices (the thread's permit, or the
        // parker's).
        if (!incoming.prepareToPark()) {
          continue;
        }
        Parker p = parker;
        if (p != null) {
          sinceParkerPolled = 0;
          p.park(deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : left);
        } else if (deadlineNanos == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          LockSupport.parkNanos(this, left);
        }
        incoming.parkEnded();
        // An interrupt would make every later park return at once: clear it, restore it at the end.
        if (Thread.interrupted()) {
          interrupted = true;
        }
      }
    } finally {
      if (ticks - renewedAt >= READY_RENEW_TASKS && ready.isEmpty()) {
        ready = new ArrayDeque<>(); // as before a park (see the field)
      }
      finished.batching = false;
      removeFinished();
      RuntimeThreads.restore(previousMark);
      AsyncRuntime.leave(previousRuntime);
      if (interrupted) {
        self.interrupt();
      }
    }
  }

  /**
   * Lets the parker look for readiness without blocking every {@link #INCOMING_INTERVAL} tasks, so
   * that a runtime that always has a task to run still serves its sockets.
   */
  private void pollParkerNowAndThen() {
    Parker p = parker;
    if (p != null && ++sinceParkerPolled >= INCOMING_INTERVAL) {
      sinceParkerPolled = 0;
      p.park(0);
    }
  }

  /**
   * Runs the next queued task, if any, on this thread, which drives the runtime meanwhile (for
   * tests that drive it one step at a time).
   *
   * @return whether a task ran
   * @throws IllegalStateException if a thread drives the runtime now
   */
  boolean runOne() {
    claim("runOne", "let blockOn run the tasks");
    try {
      Task<?> task = next(++tick % INCOMING_INTERVAL == 0);
      if (task == null) {
        return false;
      }
      task.runLocal(this);
      return true;
    } finally {
      release();
    }
  }

  /**
   * Takes in the outside wakes and counts the tasks ready to run; driver only.
   *
   * @return how many tasks are queued now
   */
  int takeReady() {
    takeIncoming();
    return ready.size();
  }

  /** @return the ready queue now, for tests of its renewal (see the field) */
  ArrayDeque<Task<?>> readyQueue() {
    return ready;
  }

  /** @return whether no task is queued (call it from the driving thread, or with no driver) */
  boolean isEmpty() {
    return ready.isEmpty() && !incoming.mayHaveTasks();
  }

  /**
   * @param outsideWakesDue whether {@link #INCOMING_INTERVAL} tasks ran since the outside wakes
   *     were last taken in on schedule
   * @return the next task to run, or null if none is queued
   */
  private Task<?> next(boolean outsideWakesDue) {
    if (ready.isEmpty()) {
      incoming.drainTo(this, INCOMING_BATCH);
    } else if (outsideWakesDue) {
      // Up to a batch in all, and never fewer than the tasks run since the last time: outside
      // wakes keep their share however many local tasks stay ready.
      incoming.drainTo(this, Math.max(INCOMING_INTERVAL, INCOMING_BATCH - ready.size()));
    }
    return ready.pollFirst();
  }

  /**
   * Moves the outside wakes, in order, behind {@link #ready}; a task already there (woken from
   * this thread too) keeps its place and is not queued twice. All of them: for a yield (which goes
   * behind every outside wake), a give-up and a count; the drive loop takes {@link
   * #INCOMING_BATCH} at a time.
   */
  private void takeIncoming() {
    incoming.drainTo(this);
  }

  /** One task taken in from {@link #incoming}: queued unless it is queued already or complete. */
  @Override
  public void accept(Task<?> task) {
    if (task.takeFromIncoming()) {
      appendLocal(task);
    }
  }

  /**
   * Stops the installed parker, and refuses to install one from now on; every task queued now, or
   * woken from another thread from now on, is given up (see the class comment): at the release of
   * the claim if this thread holds it (the shutdown does), else now if it is free, else at the
   * release of the thread that holds it. Idempotent.
   */
  @Override
  public void stop() {
    Parker p;
    synchronized (this) {
      // Ordering: a volatile write before the drain (at release, or below): the stopper's half
      // of the first Dekker pair (schedule's comment).
      stopped = true;
      p = parker;
    }
    if (p != null) {
      p.stop();
    }
    if (!isDriving()) {
      giveUpStranded();
    }
  }
}
