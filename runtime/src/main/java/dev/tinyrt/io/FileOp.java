// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.Sneaky;
import dev.tinyrt.internal.Wakes;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.util.function.Consumer;

/**
 * One {@link AsyncFile} read or write as a leaf future. The first poll starts the operation with
 * this as its completion handler; the handler stores the outcome and wakes the latest waker.
 *
 * <p>States ({@link #state}): IDLE (not started, or started and waiting) → DONE (the handler ran)
 * and, separately, DROPPED (abandoned: the handler ignores the outcome and wakes nobody). The
 * waker is read by the handler only after it set DONE; a poll stores its waker, then checks DONE.
 */
final class FileOp implements Future<Integer>, Droppable, CompletionHandler<Integer, Void> {

  /** Not completed (whether or not started). */
  private static final int IDLE = 0;

  /** The channel called back; {@link #result} or {@link #failure} is set. */
  private static final int DONE = 1;

  /** Abandoned: the outcome, whenever it comes, is ignored. */
  private static final int DROPPED = 2;

  /** The access to {@link #state}. */
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(FileOp.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The file, for messages. */
  private final AsyncFile file;

  /** What this operation is, for messages. */
  private final String what;

  /** Starts the operation with a handler. */
  private final Consumer<CompletionHandler<Integer, Void>> start;

  /** IDLE, DONE or DROPPED; through {@link #STATE}. */
  @SuppressWarnings("unused")
  private volatile int state;

  /** The latest poll's waker; null after the outcome was taken or the future dropped. */
  private volatile Waker waker;

  /** Whether the operation was started (only the polling task reads or writes it). */
  private boolean started;

  /** Whether the outcome was returned or thrown (only the polling task reads or writes it). */
  private boolean finished;

  /** The number of bytes, once DONE without failure. Published by the write of DONE. */
  private Integer result;

  /** The failure, once DONE with one. Published by the write of DONE. */
  private Throwable failure;

  FileOp(AsyncFile file, String what, Consumer<CompletionHandler<Integer, Void>> start) {
    this.file = file;
    this.what = what;
    this.start = start;
  }

  @Override
  public Poll<Integer> poll(Context cx) {
    if (finished) {
      throw new IllegalStateException(
          "polled " + what + " after it completed: await it once and keep its value");
    }
    waker = cx.waker();
    if (!started) {
      started = true;
      try {
        start.accept(this);
      } catch (RuntimeException e) { // closed file, read-only file written to, ...
        failed(e, null);
      }
    }
    // Ordering: the handler writes DONE before reading the waker we stored above; if it ran
    // before our store, we see DONE here.
    if ((int) STATE.getVolatile(this) != DONE) {
      return Poll.pending();
    }
    finished = true;
    waker = null;
    if (failure != null) {
      throw Sneaky.rethrow(failure);
    }
    return Poll.ready(result);
  }

  @Override
  public void completed(Integer bytes, Void attachment) {
    result = bytes;
    publish();
  }

  @Override
  public void failed(Throwable e, Void attachment) {
    if (e instanceof AsynchronousCloseException || e instanceof ClosedChannelException) {
      IOException closed = new IOException(what + " failed: " + file
          + " was closed (close() was called) before or while it ran; open the file again");
      closed.initCause(e);
      failure = closed;
    } else {
      failure = e;
    }
    publish();
  }

  /** Sets DONE unless dropped, then wakes the latest waker. */
  private void publish() {
    // If it was dropped, nobody waits: the outcome is ignored.
    if (!STATE.compareAndSet(this, IDLE, DONE)) {
      return;
    }
    // One that throws (a user's, which must not) is logged, not thrown into the file's pool.
    Wakes.wake(waker);
  }

  /**
   * Abandons the operation: the outcome, if it comes later, is ignored and wakes nobody. The
   * operating system may still complete it and fill (or have read) the buffer.
   */
  @Override
  public void drop() {
    STATE.compareAndSet(this, IDLE, DROPPED);
    waker = null;
    finished = true;
  }

  @Override
  public String toString() {
    return what;
  }
}
