// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.lang.System.Logger.Level;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The one completion callback a {@link CompletionStage} gets from tinyrt, however many {@link
 * StageFuture}s await it and however often they are abandoned: a loop that races a long-lived
 * stage against something else (a shutdown signal) in every iteration would otherwise add a
 * callback to the stage per iteration, each holding its task.
 *
 * <p>A hub is found through a map keyed weakly by the stage's identity, whose values are weak too:
 * what keeps a hub alive is its callback, which its incomplete stage holds. The hub never
 * references its stage (nor do its waiters, once joined), so a stage nobody else holds is collected
 * with its callback, its hub and the tasks that wait on it and nothing else holds: an EA-style
 * call nobody can complete any more, say. (With the hubs held strongly by the map, each hub's
 * waiters' wakers pinned their tasks, and through them often the stage, for ever.) Waiting
 * StageFutures form an intrusive doubly linked list, so an abandoned one leaves in O(1). On
 * completion the hub records the outcome, leaves the map, unlinks every waiter and wakes them
 * outside its lock.
 *
 * <p>States, under the hub's monitor: <em>waiting</em> ({@code done} false: waiters may join and
 * leave) then <em>done</em> ({@code done} true: the outcome is final, the list is empty, nobody
 * joins again).
 */
final class StageHub {

  /**
   * Hubs of stages that have not completed, by the stage's identity; weakly: the stage's callback
   * holds its hub.
   */
  private static final ConcurrentHashMap<IdentityWeakKey, WeakReference<StageHub>> HUBS =
      new ConcurrentHashMap<>();

  /** Keys whose stage was collected before it completed, to remove from {@link #HUBS}. */
  private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();

  /** The key this hub is registered under, to leave the map on completion. */
  private final IdentityWeakKey key;

  /** This hub's entry in {@link #HUBS}, to leave the map on completion. */
  private final WeakReference<StageHub> entry = new WeakReference<>(this);

  /** The first waiter, or null. Guarded by this. */
  private StageFuture<?> head;

  /** The last waiter, or null. Guarded by this. */
  private StageFuture<?> tail;

  /** How many waiters are linked. Guarded by this. */
  private int waiters;

  /** Whether the stage completed; then {@link #value} and {@link #failure} are final. */
  private boolean done;

  /** The stage's value once done. Guarded by this until done, then read-only. */
  private Object value;

  /** The stage's failure, unwrapped, once done, or null. Guarded by this until done. */
  private Throwable failure;

  private StageHub(IdentityWeakKey key) {
    this.key = key;
  }

  /**
   * Returns the hub of {@code stage}, making it (and registering its one callback) if it has none.
   *
   * @param stage the stage
   * @return its hub, possibly already done
   */
  static StageHub of(CompletionStage<?> stage) {
    expungeCollected();
    IdentityWeakKey key = new IdentityWeakKey(stage, COLLECTED);
    StageHub fresh = new StageHub(key);
    while (true) {
      WeakReference<StageHub> there = HUBS.putIfAbsent(key, fresh.entry);
      if (there == null) {
        break; // ours: register its callback below
      }
      StageHub hub = there.get();
      if (hub != null) {
        return hub; // made earlier, or by another thread first
      }
      // A hub collected before its entry left the map: only a stage that dropped its callback
      // without running it lets that happen (one that completes runs it, which removes the
      // entry first). Take the entry's place, and register a callback of our own.
      if (HUBS.replace(key, there, fresh.entry)) {
        break;
      }
    }
    try {
      // From here the stage holds the hub (until it completes), so the map's weak entry stays.
      stage.whenComplete(fresh::complete); // runs at once if the stage already completed
    } catch (RuntimeException | Error e) {
      HUBS.remove(key, fresh.entry);
      throw e;
    }
    return fresh;
  }

  /**
   * The poll of a waiter: the outcome if done, else pending with {@code waker} kept.
   *
   * @param waiter the StageFuture polled
   * @param waker its task's waker
   * @param <T> the stage's value type
   * @return the outcome, or pending
   */
  @SuppressWarnings("unchecked")
  <T> Poll<T> poll(StageFuture<T> waiter, Waker waker) {
    synchronized (this) {
      if (!done) {
        waiter.waker = waker;
        if (!waiter.linked) {
          link(waiter);
        }
        return Poll.pending();
      }
    }
    // Done was seen under the monitor, after the outcome was written under it: it is visible.
    if (failure != null) {
      throw Sneaky.rethrow(failure);
    }
    return Poll.ready((T) value);
  }

  /**
   * Takes an abandoned waiter out of the list, in O(1), and forgets its waker.
   *
   * @param waiter the StageFuture dropped
   */
  synchronized void leave(StageFuture<?> waiter) {
    if (waiter.linked) {
      unlink(waiter);
    }
    waiter.waker = null;
  }

  /** The stage's one callback: record the outcome, leave the map, wake every waiter once. */
  private void complete(Object v, Throwable e) {
    HUBS.remove(key, entry);
    Waker[] wakers;
    synchronized (this) {
      value = v;
      failure = e == null ? null : unwrap(e);
      done = true;
      wakers = new Waker[waiters];
      int i = 0;
      while (head != null) {
        StageFuture<?> w = head;
        wakers[i++] = w.waker;
        unlink(w);
        w.waker = null;
      }
    }
    for (Waker w : wakers) {
      try {
        w.wake();
      } catch (RuntimeException broken) {
        // Wakes must not throw; if one does, the other waiters still get theirs.
        System.getLogger("dev.tinyrt").log(Level.WARNING, "a waker threw when a CompletionStage "
            + "completed; wakes must never throw: fix the Waker implementation", broken);
      }
    }
  }

  /** Appends {@code w} to the list. Holds this. */
  private void link(StageFuture<?> w) {
    w.prev = tail;
    w.next = null;
    if (tail == null) {
      head = w;
    } else {
      tail.next = w;
    }
    tail = w;
    w.linked = true;
    waiters++;
  }

  /** Removes {@code w} from the list. Holds this. */
  private void unlink(StageFuture<?> w) {
    if (w.prev == null) {
      head = w.next;
    } else {
      w.prev.next = w.next;
    }
    if (w.next == null) {
      tail = w.prev;
    } else {
      w.next.prev = w.prev;
    }
    w.prev = null;
    w.next = null;
    w.linked = false;
    waiters--;
  }

  /** Removes the hubs of stages collected while incomplete. */
  private static void expungeCollected() {
    for (Object k; (k = COLLECTED.poll()) != null; ) {
      HUBS.remove(k);
    }
  }

  /**
   * For tests: how many StageFutures wait on {@code stage}'s hub.
   *
   * @param stage the stage
   * @return the number of linked waiters, 0 if the stage has no hub
   */
  static int waitersOf(CompletionStage<?> stage) {
    WeakReference<StageHub> entry = HUBS.get(new IdentityWeakKey(stage, null));
    StageHub hub = entry == null ? null : entry.get();
    if (hub == null) {
      return 0;
    }
    synchronized (hub) {
      return hub.waiters;
    }
  }

  /** Strips the JDK's wrappers from a stage's failure, to rethrow what the stage failed with. */
  static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
