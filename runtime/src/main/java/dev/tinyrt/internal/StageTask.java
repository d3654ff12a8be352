// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.rt.AsyncRuntime;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The frame of an EA-style async method (one declared to return {@code CompletableFuture} or
 * {@code CompletionStage}) run as a task whose outcome is a {@link CompletableFuture}: what the
 * rewritten method calls instead of returning its frame. The frame is polled at once on the
 * calling thread, so the body runs up to its first await of an incomplete stage before the call
 * returns (EA Async's eager start); after that, whichever thread wakes it polls it again (by
 * default the thread that completed the awaited stage, as with EA Async), or a worker of a tinyrt
 * runtime when the system property {@value #RESUME_PROPERTY} is {@code runtime}, or when the
 * waking thread is one of tinyrt's own (the timer's, after an awaited sleep: see {@link
 * RuntimeThreads#service}). When the frame
 * finishes, the promise completes with its value, or fails with its exception as thrown (never
 * wrapped).
 *
 * <p>The task is its own {@link Context} and {@link Waker}. One state word makes sure two threads
 * never poll the frame at once and no wake is lost:
 *
 * <pre>
 *   IDLE --wake--> POLLING --pending, no wake meanwhile--> IDLE
 *                  POLLING --wake--> NOTIFIED --pending--> POLLING (polls again)
 *                  POLLING --ready or thrown--> DONE
 * </pre>
 *
 * <p>Only the thread that moved the word to {@code POLLING} polls; a wake during its poll leaves
 * {@code NOTIFIED} behind, and that thread polls again instead of going idle. A wake never throws
 * and never blocks; unlike a tinyrt executor's waker it does run the frame on the waking thread
 * (default mode, unless that thread is one of tinyrt's own), since that is what EA Async's users
 * expect of the thread completing a stage.
 *
 * <p>Cancelling the returned future ({@code promise.cancel(...)}) is seen by the frame at its next
 * await, which throws {@link dev.tinyrt.CancelledException} there, so its {@code finally} blocks
 * run when it next resumes.
 *
 * @param <T> the method's result type
 */
public final class StageTask<T> extends Context implements Waker {

  /**
   * The system property choosing where a woken frame resumes: {@code completer} (the default), on
   * the thread that wakes it, usually the one completing the awaited stage (but a worker of {@code
   * tinyrt-ea} when that thread is one of tinyrt's own); {@code runtime}, on a worker of a shared
   * multi-threaded tinyrt runtime named {@code tinyrt-ea}, always. Read at each call of an
   * EA-style method.
   */
  public static final String RESUME_PROPERTY = "tinyrt.ea.resume";

  /** Nobody polls the frame; a wake moves to {@link #POLLING} and polls it. */
  private static final int IDLE = 0;

  /** One thread polls the frame; a wake moves to {@link #NOTIFIED} and returns. */
  private static final int POLLING = 1;

  /** One thread polls the frame and was woken meanwhile: it polls again before going idle. */
  private static final int NOTIFIED = 2;

  /** The frame finished and the promise is completed (or about to be); wakes do nothing. */
  private static final int DONE = 3;

  /** The {@link #state} word, for its compare-and-set transitions. */
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(StageTask.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** One of {@link #IDLE}, {@link #POLLING}, {@link #NOTIFIED}, {@link #DONE}. */
  private volatile int state = POLLING;

  /** The async method's frame. */
  private final Future<T> frame;

  /** What the method returned to its caller; completed once, when the frame finishes. */
  private final CompletableFuture<T> promise;

  /** Whether a wake hands the poll to a tinyrt runtime's worker instead of polling itself. */
  private final boolean onRuntime;

  private StageTask(Future<T> frame, CompletableFuture<T> promise, boolean onRuntime) {
    this.frame = frame;
    this.promise = promise;
    this.onRuntime = onRuntime;
  }

  /**
   * Runs {@code frame} on this thread until its first pending await (or its end), then wherever
   * it is woken, and completes {@code promise} with its outcome. Called by rewritten methods.
   *
   * @param frame the frame of an async method, never polled yet
   * @param promise the future the method returns (a new instance of its declared type)
   */
  @SuppressWarnings("unchecked")
  public static void start(Future<?> frame, CompletableFuture<?> promise) {
    boolean onRuntime = "runtime".equals(System.getProperty(RESUME_PROPERTY));
    new StageTask<>((Future<Object>) frame, (CompletableFuture<Object>) promise, onRuntime).run();
  }

  /**
   * Turns what an EA-style method's body returns into the future its frame awaits last: the stage
   * itself ({@code CompletableFuture.completedFuture(x)} is rewritten to {@code Future.ready(x)}
   * before it gets here), or a future of {@code null} for {@code return null}, which EA Async's
   * users write in branches that never run.
   *
   * @param stage what the body returned
   * @return a future of the stage's value
   */
  public static Future<Object> returned(CompletionStage<?> stage) {
    if (stage == null) {
      return Future.ready(null);
    }
    @SuppressWarnings("unchecked")
    CompletionStage<Object> s = (CompletionStage<Object>) stage;
    return StageFuture.of(s);
  }

  /** Polls the frame until it is pending with no wake meanwhile, or done. The state is POLLING. */
  private void run() {
    while (true) {
      Poll<T> p;
      try {
        p = frame.poll(this);
      } catch (Throwable t) {
        // Ordering: a volatile write; wakes that read DONE return, and nothing else reads it.
        state = DONE;
        promise.completeExceptionally(t);
        return;
      }
      if (p.isReady()) {
        state = DONE;
        promise.complete(p.get());
        return;
      }
      // Pending and not woken meanwhile: go idle; the next wake polls.
      // Ordering: the CAS is a full fence; a waker's CAS from IDLE then sees every write this
      // poll made (the frame's saved state), so the thread it runs on resumes from it.
      if (STATE.compareAndSet(this, POLLING, IDLE)) {
        return;
      }
      // Woken during the poll (NOTIFIED): poll again. Only the polling thread leaves NOTIFIED,
      // so a plain volatile write is enough.
      state = POLLING;
    }
  }

  @Override
  public void wake() {
    int s = state;
    while (true) {
      switch (s) {
        case IDLE -> {
          // Idle: whoever moves it to POLLING polls.
          // Ordering: a CAS (acquire and release): this thread sees the frame as the last poll
          // left it before its CAS to IDLE.
          int witness = (int) STATE.compareAndExchange(this, IDLE, POLLING);
          if (witness == IDLE) {
            resume();
            return;
          }
          s = witness;
        }
        case POLLING -> {
          // Being polled: ask the polling thread to poll again.
          // Ordering: a CAS, so a poller that goes idle after it cannot miss it (its CAS from
          // POLLING fails and it polls again).
          int witness = (int) STATE.compareAndExchange(this, POLLING, NOTIFIED);
          if (witness == POLLING) {
            return;
          }
          s = witness;
        }
        default -> {
          // Already notified, or done: nothing to do.
          return;
        }
      }
    }
  }

  /**
   * Polls the frame here or, in runtime mode or on one of tinyrt's own threads (the timer's, when
   * the frame awaited a sleep), on a worker: user code there would hold up every sleep of the JVM,
   * and a {@code blockOn} in it would deadlock them all. The state is POLLING.
   */
  private void resume() {
    if (onRuntime || RuntimeThreads.serves() != null) {
      try {
        SharedRuntime.INSTANCE.spawn(cx -> {
          run();
          return Poll.readyNull();
        });
        return;
      } catch (RuntimeException e) {
        // The runtime refused (it never shuts down, so this is not expected): poll here, so the
        // method still finishes.
      }
    }
    run();
  }

  @Override
  public Waker waker() {
    return this;
  }

  @Override
  public boolean isCancelled() {
    return promise.isCancelled();
  }

  /**
   * The runtime woken frames resume on in runtime mode, or when woken on one of tinyrt's own
   * threads; made on first use.
   */
  private static final class SharedRuntime {

    /** A multi-threaded runtime with daemon workers, one per core. */
    static final AsyncRuntime INSTANCE = AsyncRuntime.builder().name("tinyrt-ea").build();
  }
}
