// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;

/**
 * How cancellation reaches an await, and how an abandoned future gives back what it holds.
 *
 * <p>The rules, in one place:
 *
 * <ul>
 *   <li>A task is cancelled when its context says so ({@link Context#isCancelled()}). Every await
 *       of a rewritten async method asks {@link #checkBeforePoll} first, on its first poll and on
 *       every resume: a cancelled task throws {@link CancelledException} at each await it reaches
 *       (but an await of {@code Future.ready(v)}, which waits for nothing), so its {@code finally}
 *       blocks and try-with-resources run, innermost first.
 *   <li>A frame or combinator ({@link ForwardsCancellation}) is not dropped: it is polled with the
 *       cancelled context and unwinds itself, its own awaits throwing, its children cancelled.
 *   <li>A leaf is abandoned ({@link #abandonLeaf}): a {@link Droppable} gives back what it was
 *       granted and leaves every queue; a future shared by several awaiters ({@link
 *       ForgetsWaker}, a {@code JoinHandle}) forgets the abandoner's waker.
 *   <li>A future that was never polled is forgotten, never polled: no code of it ran, there is
 *       nothing to unwind ({@link ChildFutures} keeps track).
 *   <li>{@link #nonCancellable} runs a future with a context that is not cancelled, for clean-up
 *       awaits that must complete (Kotlin's {@code NonCancellable}).
 * </ul>
 */
public final class Cancellation {

  /** The class of {@link Future#ready}'s futures. */
  private static final Class<?> READY = Future.ready(null).getClass();

  /**
   * The waker of the context a given-up task's future is abandoned with ({@link #abandonNow}): it
   * stands for the task's own waker, which {@link #abandonLeaf} forgets in the futures it awaited,
   * and wakes nothing (the task is being completed; nobody will poll it again).
   *
   * @param owner the given-up task's own waker, as registered where it waited
   */
  private record GiveUpWaker(Waker owner) implements Waker {
    @Override
    public void wake() {}
  }

  private Cancellation() {}

  /**
   * Called by a rewritten frame before each poll of the future {@code awaited}: if the task was
   * cancelled and that future is a leaf, abandons it and throws {@link CancelledException} at the
   * await; a frame or combinator is returned to be polled, and unwinds itself.
   *
   * @param awaited the future about to be polled
   * @param cx the task's context
   * @return {@code awaited}, to poll
   */
  public static Future<?> checkBeforePoll(Future<?> awaited, Context cx) {
    // A future made by Future.ready waits for nothing: nothing parks, nothing to cancel. So a
    // method's own 'return Future.ready(v)' (awaited by its tail, after its finally blocks ran
    // as for a normal return) still returns its value. That test comes first after the null
    // check (which the class read below needs anyway): it is the common await of a ready value,
    // and a class compare is cheaper than asking the context.
    if (awaited == null) {
      throw awaitedNull();
    }
    if (awaited.getClass() == READY) {
      return awaited;
    }
    if (cx.isCancelled() && !(awaited instanceof ForwardsCancellation)) {
      abandonLeaf(awaited, cx);
      throw cancelled("at this await");
    }
    return awaited;
  }

  /**
   * @return the failure of an await of null: a {@code return null} in an async method (its return
   *     is awaited), or an {@code await(x)} of a null x; it named tinyrt's internals before
   */
  private static NullPointerException awaitedNull() {
    return new NullPointerException("an async method awaited null in "
        + CallSite.callerOutside(Cancellation.class) + ": an await(x) of a null x, or a 'return"
        + " null' (an async method's return is awaited). Await futures, never null, and return"
        + " Future.ready(value), Future.ready(null) for a Future<Void>");
  }

  /**
   * Returns the exception that a cancelled await or combinator throws.
   *
   * @param where where the cancellation was delivered, for the message
   * @return a new exception
   */
  public static CancelledException cancelled(String where) {
    return new CancelledException("the task was cancelled while it waited " + where
        + " (JoinHandle.abort(), a lost select or race, a timeout, or the runtime's shutdown)");
  }

  /**
   * Abandons a leaf future that was polled at least once: a {@link Droppable} is dropped, a {@link
   * ForgetsWaker} forgets {@code cx}'s waker and wakes it once (its task may await the same handle
   * elsewhere, under the same waker: that await polls again and registers anew), anything else
   * holds nothing and is left alone.
   *
   * @param leaf the future, not a {@link ForwardsCancellation}
   * @param cx the context it was polled with
   */
  public static void abandonLeaf(Future<?> leaf, Context cx) {
    if (leaf instanceof Droppable droppable) {
      try {
        droppable.drop();
      } catch (Throwable failure) {
        // A drop must not throw (Droppable says so), but it is the user's code: reported, and the
        // cancellation goes on. Thrown on, it would leave the task neither polled nor complete (a
        // worker thread ended by it, the task's awaiters waiting for ever).
        failedToDrop(leaf, failure);
      }
    } else if (leaf instanceof ForgetsWaker shared) {
      Waker waker = cx.waker();
      if (waker instanceof GiveUpWaker givingUp) {
        // The task is given up: forget the waker it registered here, and wake nobody.
        shared.forget(givingUp.owner());
        return;
      }
      shared.forget(waker);
      // A handle keeps each waker once, so the same task's other await of it (joinAll(h, h), or
      // h awaited beside a timeout of h) was forgotten too and would never be woken. A spurious
      // wake, which wakers allow, makes the task poll again, and that await registers anew.
      waker.wake();
    }
  }

  /**
   * Abandons {@code future} at once, when nobody can drive its unwinding further (a runtime giving
   * up on a task at the end of its shutdown): a frame or combinator is polled once with a cancelled
   * context that wakes nothing, so the {@code finally} blocks that need no await run; a leaf is
   * dropped, or forgets {@code owner}; a non-cancellable section is abandoned too, since nobody
   * will poll it to its end, and its await throws {@code CancelledException}, so the {@code
   * finally} blocks around it run as well.
   *
   * @param future the abandoned future, polled at least once
   * @param owner the waker the task registered where it waited (the task itself)
   * @return whether it finished unwinding (false: its code caught the cancellation and waits
   *     again, in a section of its own or a future that is not a tinyrt one)
   */
  public static boolean abandonNow(Future<?> future, Waker owner) {
    return abandonWith(future, Context.from(new GiveUpWaker(owner), () -> true));
  }

  /** {@link #abandonNow} with its context made. */
  private static boolean abandonWith(Future<?> future, Context cx) {
    if (!(future instanceof ForwardsCancellation)) {
      abandonLeaf(future, cx);
      return true;
    }
    try {
      return NullPoll.checked(future.poll(cx), future).isReady();
    } catch (CancelledException expected) {
      return true; // it unwound to its top, as it should
    } catch (Throwable failure) {
      failedWhileUnwinding(failure);
      return true;
    }
  }

  /**
   * Reports a failure of an abandoned future while it unwound: its awaiter is gone, so nobody else
   * can see it.
   *
   * @param failure what it threw
   */
  public static void failedWhileUnwinding(Throwable failure) {
    System.getLogger("dev.tinyrt").log(System.Logger.Level.WARNING,
        "an abandoned future failed while it unwound after its cancellation", failure);
  }

  /**
   * Reports a {@link Droppable#drop()} that threw: what the abandoned future held may not have been
   * given back, and nobody awaits it any more to be told.
   *
   * @param leaf the abandoned future
   * @param failure what its drop threw
   */
  private static void failedToDrop(Future<?> leaf, Throwable failure) {
    System.getLogger("dev.tinyrt").log(System.Logger.Level.WARNING,
        "drop() of an abandoned " + leaf.getClass().getName() + " threw: what it held (a permit, "
            + "a lock, a queue slot) may not have been given back. A Droppable's drop() must not "
            + "throw; catch inside it what its clean-up can throw", failure);
  }

  /**
   * Gives back a value that a combinator received but nobody will ever see (a {@code joinAll}
   * that failed, a select loser that finished while it unwound): a {@link Grant} is closed, and a
   * resource its future made for the combinator alone (a {@link ResourceMaker}'s value: an
   * accepted or connected stream) too. A combinator's own value is given back by that combinator
   * ({@link ChildFutures#discard}).
   *
   * @param value the value, may be null
   * @param made whether the future that returned it was a {@link ResourceMaker}
   * @return whether it was given back (closed)
   */
  public static boolean discard(Object value, boolean made) {
    if (value instanceof Grant || (made && value instanceof AutoCloseable)) {
      try {
        ((AutoCloseable) value).close();
      } catch (Throwable failure) {
        failedWhileUnwinding(failure);
      }
      return true;
    }
    return false;
  }

  /**
   * Returns a context like {@code outer} whose task is seen as cancelled: what a combinator polls
   * the children it cancels with. Its waker is always {@code outer}'s current one.
   *
   * @return a new context; {@link CancelledContext#of} sets its outer context before each use
   */
  public static CancelledContext cancelledContext() {
    return new CancelledContext();
  }

  /**
   * Returns {@code future} run as a non-cancellable section: polled with a context that is never
   * cancelled, so its awaits complete even in a cancelled task. For clean-up that must finish.
   *
   * @param future the future
   * @param <T> its value type
   * @return a new future
   */
  public static <T> Future<T> nonCancellable(Future<T> future) {
    return new NonCancellable<>(future);
  }

  /** A context whose task is cancelled, with the waker of the context it was made from. */
  public static final class CancelledContext extends Context {

    /** The context of the combinator's own poll, whose waker this one hands out. */
    private Context outer;

    CancelledContext() {}

    /**
     * Points this context at {@code outer}, the context of the current poll.
     *
     * @param outer the combinator's context
     * @return this
     */
    public CancelledContext of(Context outer) {
      this.outer = outer;
      return this;
    }

    @Override
    public Waker waker() {
      return outer.waker();
    }

    @Override
    public boolean isCancelled() {
      return true;
    }
  }

  /**
   * @param future a future
   * @return whether it is a section {@link #nonCancellable} made
   */
  public static boolean isNonCancellable(Future<?> future) {
    return future instanceof NonCancellable;
  }

  /** {@link #nonCancellable}: a future that is its own, never cancelled, context. */
  private static final class NonCancellable<T> extends Context
      implements Future<T>, ForwardsCancellation, DiscardsOwnValue {

    /** The section's future. */
    private final Future<T> future;

    /** The context of the current poll, whose waker is handed out. */
    private Context outer;

    /** Set once the section returned or threw. */
    private boolean finished;

    NonCancellable(Future<T> future) {
      this.future = future;
    }

    @Override
    public Poll<T> poll(Context cx) {
      // A finished section is not polled again: its future may be reused (a finished mpsc receive
      // is handed out as the next one), and this poll would take the next receive's value.
      ChildFutures.refusePollAfterCompletion(finished, "Futures.nonCancellable");
      if (cx.waker() instanceof GiveUpWaker) {
        // The task is given up: nobody will poll this section to its end, so it is abandoned
        // like the rest (its leaves forget the task's waker) instead of polled again, and its
        // await throws, so that the finally blocks around it run (they stayed unrun when this
        // returned pending: a socket closed in one stayed open).
        abandonWith(future, cx);
        throw cancelled("in a non-cancellable section, which its runtime gave up on at the end of "
            + "its shutdown: the section was cut short");
      }
      outer = cx;
      Poll<T> p;
      try {
        p = NullPoll.checked(future.poll(this), future);
      } catch (Throwable t) {
        finished = true;
        throw t;
      }
      if (p.isReady()) {
        finished = true;
      }
      return p;
    }

    /** For task dumps: the section, and what it runs. */
    @Override
    public String toString() {
      return "Futures.nonCancellable(" + SafeText.of(future) + ")";
    }

    @Override
    public boolean discardValue(Object value) {
      return future instanceof DiscardsOwnValue d
          ? d.discardValue(value)
          : discard(value, future instanceof ResourceMaker);
    }

    @Override
    public Waker waker() {
      return outer.waker();
    }

    @Override
    public boolean isCancelled() {
      return false;
    }
  }
}
