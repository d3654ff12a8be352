// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * A task in a worker's LIFO slot, run by another worker that only read the slot ({@code
 * Worker#stealFromStalled}: only the owner writes its slot), while the owner takes the same entry
 * and wakes keep coming: {@link Task#runIfScheduled} must poll the task once per wake at most,
 * never twice at once, and lose no wake. The runtime's scheduler here puts every woken task in
 * {@link #lifo}; the owner takes the entry out of it, the thief reads it and leaves it. Checked
 * once the scenario ended ({@link #pollsMatchWakes}): no two polls overlapped, the task was not
 * polled more often than it was queued, and a task whose last poll began before the last wake
 * began is still queued: in the slot, with SCHEDULED set (an entry of a task without it is
 * skipped, so it would be a lost wake).
 *
 * <p>Planted when it was written (stop 20, {@code mvn -B -q -o -pl runtime test
 * -Dtest=StalledLifoModelCheckTest}): {@code runIfScheduled} polling a task that is not scheduled
 * (as if {@code NOT_SCHEDULED} were a poll) fails it in 6.7 s ("polled 2 times, queued 1");
 * the real code passes in 6.9 s.
 */
public class StalledLifoModelCheckTest {

  /** The owner's LIFO slot: the woken task goes here. */
  private final AtomicReference<Task<?>> lifo = new AtomicReference<>();

  /** How many times the task was queued (its spawn, and each wake that found it idle). */
  private final AtomicInteger queued = new AtomicInteger();

  /** How many polls began. */
  private final AtomicInteger polls = new AtomicInteger();

  /** How many polls run now. */
  private final AtomicInteger polling = new AtomicInteger();

  /** Set if two polls ever ran at once. */
  private volatile boolean overlapped;

  /** Orders wake starts and poll starts. */
  private final AtomicLong clock = new AtomicLong();

  /** The clock when the last wake began, or -1. */
  private volatile long lastWakeStart = -1;

  /** The clock when the task's last poll began, or -1. */
  private volatile long lastPollStart = -1;

  /** The task: always pending. */
  private final Task<?> task;

  /** A fresh runtime and task for each scenario; the spawn's own wake queued the task. */
  public StalledLifoModelCheckTest() {
    AsyncRuntime.Builder b = AsyncRuntime.builder().multiThread(2);
    b.scheduler = rt -> new Scheduler() {
      @Override
      public void schedule(Task<?> t) {
        queued.incrementAndGet();
        lifo.set(t);
      }

      @Override
      public void stop() {}
    };
    AsyncRuntime runtime = b.build();
    Future<Void> parksForever = cx -> {
      if (polling.incrementAndGet() != 1) {
        overlapped = true;
      }
      lastPollStart = clock.incrementAndGet();
      polls.incrementAndGet();
      polling.decrementAndGet();
      return Poll.pending();
    };
    task = (Task<?>) runtime.spawn(parksForever);
  }

  /** Someone wakes the task: a timer, a channel, another task. */
  @Operation
  public void wake() {
    lastWakeStart = clock.incrementAndGet();
    task.wake();
  }

  /** The slot's owner takes its entry and runs it. */
  @Operation
  public void ownerRuns() {
    Task<?> t = lifo.getAndSet(null);
    if (t != null) {
      t.runIfScheduled();
    }
  }

  /** Another worker, finding the owner stalled, reads the slot and runs what it names. */
  @Operation
  public void thiefRuns() {
    Task<?> t = lifo.get();
    if (t != null) {
      t.runIfScheduled();
    }
  }

  /** Run once the scenario ended, when no operation runs. */
  @Validate
  public void pollsMatchWakes() {
    if (overlapped) {
      throw new AssertionError("two polls of the task ran at once");
    }
    if (polls.get() > queued.get()) {
      throw new AssertionError("polled " + polls.get() + " times, queued " + queued.get());
    }
    boolean stillQueued = lifo.get() != null && (task.state() & TaskState.SCHEDULED) != 0;
    if (lastWakeStart > lastPollStart && !stillQueued) {
      throw new AssertionError("lost wake-up: a wake began after the task's last poll began, yet "
          + "no entry would run it (state " + task.state() + ", slot " + lifo.get() + ")");
    }
  }

  @Test
  public void modelCheck() {
    LostWakersBeforeLincheck.start();
    LinChecker.check(StalledLifoModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 3, /* invocationsPerIteration = */ 150)
        .threads(3)
        .actorsPerThread(2)
        // No sequential prefix or suffix: a run or a wake there would hide a lost wake.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
