// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.rt.Parker;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores the real parker of a runtime's I/O driver ({@link IoDriver}'s state word
 * {@code IDLE}/{@code SELECTING}/{@code NOTIFIED}, its change queue and its close hand-off) against
 * wakes, changes and a stop from other threads. Only the selector is a stand-in ({@link
 * ModelSelection}): Lincheck cannot run a real {@code select}. A select that would block (no
 * {@code wakeup()} pending) is held as blocked: the stand-in throws {@link Blocked} out of the
 * driver's turn, which leaves the driver exactly as a thread blocked in {@code select} does (its
 * state {@code SELECTING}, its turn not over), and the selecting thread's next step resumes it
 * ({@link IoDriver#afterSelect}) only once a {@code wakeup()} came. Each step of that thread is
 * one pass of a worker's loop: run the tasks queued for it, else park once.
 *
 * <p>Checked at the end: no task is left queued, and no change left unapplied, while the thread is
 * blocked in a select nobody will wake (a lost wake-up); the selector is never used once closed,
 * nor closed twice (the log lines and failures of a stop racing a worker's turn), and a stop
 * closes it (at once, or by the thread whose turn it raced, as that turn ends).
 */
public class IoDriverParkModelCheckTest {

  /** Thrown by the stand-in's blocking select to leave the thread blocked in it. */
  static final class Blocked extends Error {
    Blocked() {
      super("blocked in select", null, false, false);
    }
  }

  /** The one instance: it carries no stack. */
  private static final Blocked BLOCKED = new Blocked();

  /** The stand-in selector: a wakeup flag that a select takes, and what the check asks of it. */
  static final class ModelSelection implements Selection {

    /** Set by {@link #wakeup()}, taken by the next select (the JDK's rule). */
    final AtomicBoolean wakeupPending = new AtomicBoolean();

    /** Set while the selecting thread is blocked in {@link #select}. */
    volatile boolean blocked;

    /** How many times it was closed. */
    final AtomicInteger closes = new AtomicInteger();

    /** Set if anything but {@code wakeup()} used it once closed. */
    volatile boolean usedAfterClose;

    private void use() {
      if (closes.get() > 0) {
        usedAfterClose = true;
        throw new ClosedSelectorException();
      }
    }

    @Override
    public void select(long timeoutMillis) {
      use();
      if (!wakeupPending.getAndSet(false)) {
        blocked = true;
        throw BLOCKED;
      }
    }

    /** The blocked select returns: it takes the wakeup that ended it. */
    void resume() {
      use();
      wakeupPending.set(false);
      blocked = false;
    }

    @Override
    public void selectNow() {
      use();
      wakeupPending.set(false);
    }

    @Override
    public void wakeup() {
      wakeupPending.set(true);
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
      use();
      return Set.of();
    }

    @Override
    public Set<SelectionKey> keys() {
      use();
      return Set.of();
    }

    @Override
    public SelectionKey register(SelectableChannel channel, int ops, Object attachment) {
      throw new UnsupportedOperationException("no channel in this model");
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  /** The stand-in selector. */
  private final ModelSelection selection = new ModelSelection();

  /** The real driver over it. */
  private final IoDriver driver = new IoDriver(selection, "model");

  /** Its real parker, as a worker parks through it. */
  private final Parker parker = driver.newParker();

  /** Tasks queued for the selecting thread from outside, not run yet. */
  private final AtomicInteger queued = new AtomicInteger();

  /** Changes submitted from outside, and those the selecting thread applied. */
  private final AtomicInteger submitted = new AtomicInteger();

  private final AtomicInteger applied = new AtomicInteger();

  /** Set by {@link #stop()} before it stops the parker, as the scheduler's flag. */
  private volatile boolean stopped;

  @Operation(nonParallelGroup = "selecting")
  public void step() {
    if (selection.blocked) {
      if (!selection.wakeupPending.get()) {
        return; // blocked in select: only a wakeup lets it go on
      }
      selection.resume();
      driver.afterSelect();
      return;
    }
    if (queued.getAndSet(0) > 0 || stopped) {
      return; // it ran what was queued; or the runtime stopped, and the worker leaves
    }
    try {
      parker.park(Long.MAX_VALUE);
    } catch (Blocked b) {
      // Held in select with its turn in progress: the next step resumes it once woken.
    }
  }

  @Operation(nonParallelGroup = "outside")
  public void wakeTask() {
    queued.incrementAndGet();
    parker.unpark(); // the scheduler's wake of a worker that parks through this parker
  }

  @Operation(nonParallelGroup = "outside")
  public void submitChange() {
    submitted.incrementAndGet();
    driver.submit(applied::incrementAndGet);
  }

  @Operation(nonParallelGroup = "outside")
  public void stop() {
    // As WorkStealingScheduler.stop: the flag, a wake for each worker, then the parker's stop
    // without waiting for the worker (it may have outlived the scheduler's wait for it).
    stopped = true;
    parker.unpark();
    parker.stop();
  }

  @Validate
  public void noLostWakeNoUseOfAClosedSelector() {
    if (selection.usedAfterClose) {
      throw new AssertionError("the selector was used after it was closed (a stop closed it "
          + "under the selecting thread)");
    }
    if (selection.closes.get() > 1) {
      throw new AssertionError("the selector was closed " + selection.closes.get() + " times");
    }
    boolean blockedForGood = selection.blocked && !selection.wakeupPending.get();
    if (blockedForGood && queued.get() > 0) {
      throw new AssertionError("lost wake-up: a task is queued and the thread is blocked in a "
          + "select nobody will wake");
    }
    if (blockedForGood && applied.get() < submitted.get()) {
      throw new AssertionError("lost wake-up: a change waits and the thread is blocked in a "
          + "select nobody will wake");
    }
    if (stopped) {
      if (blockedForGood) {
        throw new AssertionError("stopped, and the thread is blocked in a select nobody will wake");
      }
      if (selection.blocked) {
        step(); // its select returns: the close was left to the end of its turn
      }
      if (selection.closes.get() != 1 || !driver.isClosed()) {
        throw new AssertionError("stopped, and the selector is not closed");
      }
    }
  }

  /** A stop while the thread is blocked in select: the close is left to the end of its turn. */
  @Test
  public void aStopDuringATurnIsFinishedByThatTurn() {
    step(); // blocks in select
    stop(); // wakes it; the selector is its own until its turn ends
    if (selection.closes.get() != 0) {
      throw new AssertionError("closed under the selecting thread");
    }
    step(); // its select returns, its turn ends and closes the selector
    noLostWakeNoUseOfAClosedSelector();
    if (selection.closes.get() != 1) {
      throw new AssertionError("the turn that the stop raced did not close the selector");
    }
  }

  /**
   * One thread steps the selecting thread, the other wakes, submits and stops. The stop is one of
   * the outside operations, not a thread of its own: a stop in every scenario wakes the selecting
   * thread (its unpark), which hid a planted lost wake-up (a select announced over a pending
   * permit) in 10 x 60 scenarios; as one operation among the others, the plant fails.
   */
  @Test
  public void modelCheck() {
    LinChecker.check(IoDriverParkModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 60)
        .threads(2)
        .actorsBefore(0)
        .actorsAfter(0)
        .actorsPerThread(3));
  }
}
