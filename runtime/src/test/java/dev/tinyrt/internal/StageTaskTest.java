// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A stage task driven by hand: a frame written as a plain future that records each poll, woken by
 * the test (or by a thread it joins), never waited for with a sleep.
 */
class StageTaskTest {

  /** A frame pending until its value is set; records the thread of each poll and its waker. */
  static final class Frame implements Future<String> {
    final List<String> polls = new ArrayList<>();
    Waker waker;
    Context cx;
    volatile String value;
    RuntimeException failure;
    Runnable duringPoll = () -> {};

    @Override
    public Poll<String> poll(Context cx) {
      polls.add(Thread.currentThread().getName());
      this.cx = cx;
      this.waker = cx.waker();
      duringPoll.run();
      if (failure != null) {
        throw failure;
      }
      return value == null ? Poll.pending() : Poll.ready(value);
    }
  }

  @Test
  void startPollsOnTheCallingThreadAtOnce() {
    Frame frame = new Frame();
    frame.value = "now";
    CompletableFuture<String> promise = new CompletableFuture<>();
    StageTask.start(frame, promise);
    assertEquals(List.of(Thread.currentThread().getName()), frame.polls);
    assertEquals("now", promise.getNow(null));
  }

  @Test
  void aWakePollsOnTheWakingThreadAndCompletesTheFuture() throws InterruptedException {
    Frame frame = new Frame();
    CompletableFuture<String> promise = new CompletableFuture<>();
    StageTask.start(frame, promise);
    assertFalse(promise.isDone());
    Thread completer = new Thread(() -> {
      frame.value = "later";
      frame.waker.wake();
    }, "completer");
    completer.start();
    completer.join();
    assertEquals(List.of(Thread.currentThread().getName(), "completer"), frame.polls);
    assertEquals("later", promise.getNow(null));
  }

  @Test
  void aWakeDuringThePollMakesThePollerPollAgainInsteadOfPollingItself() {
    Frame frame = new Frame();
    CompletableFuture<String> promise = new CompletableFuture<>();
    frame.duringPoll = () -> {
      if (frame.polls.size() == 1) {
        frame.waker.wake(); // NOTIFIED: must not poll here (no reentrant poll)
        assertEquals(1, frame.polls.size());
      }
    };
    StageTask.start(frame, promise);
    assertEquals(2, frame.polls.size());
    assertFalse(promise.isDone());
  }

  @Test
  void aWakeFromAnotherThreadDuringThePollIsNotLost() {
    // The window the state word closes: the value arrives, and its wake runs, on another thread
    // after this poll looked for it and before this poll goes idle.
    Frame frame = new Frame();
    CompletableFuture<String> promise = new CompletableFuture<>();
    frame.duringPoll = () -> {
      if (frame.polls.size() == 1) {
        Thread completer = new Thread(() -> {
          frame.value = "late"; // too late for this poll, which already chose pending
          frame.waker.wake(); // POLLING -> NOTIFIED: returns without polling
        }, "completer");
        completer.start();
        join(completer);
        assertEquals(1, frame.polls.size(), "the completer must not poll during a poll");
        frame.value = null; // this poll answers pending, as if it had looked before the value came
      }
    };
    StageTask.start(frame, promise);
    assertEquals(2, frame.polls.size()); // NOTIFIED: polled again before going idle
    assertFalse(promise.isDone()); // the value was hidden from both polls: still pending
    frame.duringPoll = () -> {};
    frame.value = "now";
    frame.waker.wake(); // idle again, so a wake polls
    assertEquals("now", promise.getNow(null));
  }

  @Test
  void aWakeFromAnotherThreadWhileNotifiedAddsNoPoll() {
    Frame frame = new Frame();
    CompletableFuture<String> promise = new CompletableFuture<>();
    frame.duringPoll = () -> {
      if (frame.polls.size() == 1) {
        Thread wakers = new Thread(() -> {
          frame.waker.wake(); // POLLING -> NOTIFIED
          frame.waker.wake(); // NOTIFIED: nothing more
          frame.waker.wake();
        }, "wakers");
        wakers.start();
        join(wakers);
      }
    };
    StageTask.start(frame, promise);
    assertEquals(2, frame.polls.size()); // three wakes during one poll: one more poll, not three
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void wakesAfterCompletionDoNothingAndNeverThrow() {
    Frame frame = new Frame();
    CompletableFuture<String> promise = new CompletableFuture<>();
    StageTask.start(frame, promise);
    frame.value = "v";
    frame.waker.wake();
    for (int i = 0; i < 1000; i++) {
      frame.waker.wake();
    }
    assertEquals(2, frame.polls.size());
    assertEquals("v", promise.join());
  }

  @Test
  void theFramesExceptionFailsTheFutureUnwrapped() {
    Frame frame = new Frame();
    CompletableFuture<String> promise = new CompletableFuture<>();
    StageTask.start(frame, promise);
    IllegalArgumentException failure = new IllegalArgumentException("bad");
    frame.failure = failure;
    frame.waker.wake(); // the failure must not escape the wake
    CompletionException e = assertThrows(CompletionException.class, promise::join);
    assertSame(failure, e.getCause());
  }

  @Test
  void cancellingTheFutureIsSeenByTheFramesContext() {
    Frame frame = new Frame();
    CompletableFuture<String> promise = new CompletableFuture<>();
    StageTask.start(frame, promise);
    assertFalse(frame.cx.isCancelled());
    promise.cancel(false);
    assertTrue(frame.cx.isCancelled());
    // An awaited future polled through the cancellation check now throws at the await.
    Future<String> awaited = cx -> Poll.pending();
    assertThrows(CancelledException.class, () -> Cancellation.checkBeforePoll(awaited, frame.cx));
  }

  @Test
  void inRuntimeModeAWokenFrameResumesOnATinyrtWorker() {
    String before = System.getProperty(StageTask.RESUME_PROPERTY);
    System.setProperty(StageTask.RESUME_PROPERTY, "runtime");
    try {
      Frame frame = new Frame();
      CompletableFuture<String> promise = new CompletableFuture<>();
      StageTask.start(frame, promise);
      frame.value = "w";
      frame.waker.wake();
      assertEquals("w", promise.join()); // join, not sleep: completes once the worker polled
      assertEquals(Thread.currentThread().getName(), frame.polls.get(0));
      assertTrue(frame.polls.get(1).startsWith("tinyrt-ea"), frame.polls.toString());
    } finally {
      if (before == null) {
        System.clearProperty(StageTask.RESUME_PROPERTY);
      } else {
        System.setProperty(StageTask.RESUME_PROPERTY, before);
      }
    }
  }

  @Test
  void returnedNullIsAFutureOfNull() {
    Poll<Object> p = StageTask.returned(null).poll(Context.from(Waker.noop()));
    assertTrue(p.isReady());
    assertEquals(null, p.get());
    Poll<Object> q = StageTask.returned(CompletableFuture.completedFuture("s"))
        .poll(Context.from(Waker.noop()));
    assertEquals("s", q.get());
  }
}
