// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.Context;
import dev.tinyrt.DeepCheck;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores the interleavings of a stage task's wakes: the awaited stage completing on one
 * thread (whose callback wakes the task and so polls it there) racing spurious wakes from
 * another. After each scenario it checks what the state word promises: two threads never polled
 * the frame at once, the frame was never polled after it finished, and once the stage completed
 * the task's future is done (no lost wake-up).
 */
public class StageTaskModelCheckTest {

  /** The stage the frame awaits. */
  private final CompletableFuture<String> stage = new CompletableFuture<>();

  /** What the task completes. */
  private final CompletableFuture<String> promise = new CompletableFuture<>();

  /** The frame: awaits {@link #stage} as a rewritten method does, watched for misuse. */
  private final Frame frame = new Frame(StageFuture.of(stage));

  /** A frame that awaits one future and records how it was polled. */
  static final class Frame implements Future<String> {

    /** The awaited future. */
    private final Future<String> awaited;

    /** How many polls are running now. */
    final AtomicInteger polling = new AtomicInteger();

    /** The task's waker, from the first poll. */
    volatile Waker waker;

    /** Set if a poll started while another was running. */
    volatile boolean overlapped;

    /** Set once a poll returned ready. */
    volatile boolean finished;

    /** Set if a poll came after one returned ready. */
    volatile boolean polledAfterFinish;

    Frame(Future<String> awaited) {
      this.awaited = awaited;
    }

    @Override
    public Poll<String> poll(Context cx) {
      if (polling.getAndIncrement() != 0) {
        overlapped = true;
      }
      try {
        if (finished) {
          polledAfterFinish = true;
        }
        waker = cx.waker();
        Poll<String> p = awaited.poll(cx);
        if (p.isReady()) {
          finished = true;
        }
        return p;
      } finally {
        polling.decrementAndGet();
      }
    }
  }

  /** A task started (polled once, pending) for each scenario. */
  public StageTaskModelCheckTest() {
    StageTask.start(frame, promise);
  }

  /** The awaited stage completes; its callback wakes the task on this thread. */
  @Operation(nonParallelGroup = "completer")
  public void complete() {
    stage.complete("value");
  }

  /** A spurious wake, from any thread. */
  @Operation
  public void wake() {
    frame.waker.wake();
  }

  /** Checked after every scenario. */
  @Validate
  public void validate() {
    if (frame.overlapped) {
      throw new AssertionError("two threads polled the frame at once");
    }
    if (frame.polledAfterFinish) {
      throw new AssertionError("the frame was polled after it finished");
    }
    if (stage.isDone() && !promise.isDone()) {
      throw new AssertionError("lost wake-up: the stage completed but the task's future is not");
    }
  }

  @Test
  public void modelCheck() {
    // No operations before or after the parallel part: a later wake would hide a lost one.
    LinChecker.check(StageTaskModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 3, /* invocationsPerIteration = */ 100)
        .actorsBefore(0)
        .actorsAfter(0)
        .threads(2)
        .actorsPerThread(2));
  }
}
