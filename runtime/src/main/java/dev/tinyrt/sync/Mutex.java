// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.Grant;
import dev.tinyrt.internal.LockHolder;

/**
 * An async lock around a value, fair, whose guard may be held across awaits: the answer to the
 * agent's refusal of a {@code synchronized} block around an await. Locking is a future; waiting
 * blocks no thread.
 *
 * <pre>{@code
 * Mutex<Cart> cart = new Mutex<>(new Cart());
 * try (Mutex.Guard<Cart> g = await(cart.lock())) {
 *   g.get().add(await(lookup(item)));    // held across the await
 * }
 * }</pre>
 *
 * <p>Cancel safety: a {@code lock} abandoned ({@code Droppable.drop()}) while waiting gives up its
 * place; abandoned after the lock was handed to it, it unlocks for the next waiter. It is a
 * {@link Semaphore} of one permit, so it waits on the same queue.
 *
 * @param <T> the guarded value's type
 */
public final class Mutex<T> {

  /** One permit: the lock. */
  private final Semaphore semaphore = new Semaphore(1);

  /** The guarded value. */
  private T value;

  /**
   * The context the lock was granted to ({@link LockHolder#of}), for the task dump: written when a
   * {@code lock()} is granted, cleared when its guard closes, null after {@code tryLock()}. Plain:
   * the holder writes it, a dump reads it racily.
   */
  private Object holder;

  /**
   * Creates a mutex guarding {@code value}.
   *
   * @param value the value, may be null
   */
  public Mutex(T value) {
    this.value = value;
  }

  /** @return a future of the guard, ready when the lock is free and this caller's turn came */
  public Future<Guard<T>> lock() {
    Future<Semaphore.Permit> acquire = semaphore.acquire();
    return new Lock<>(this, acquire);
  }

  /** @return how many lock futures wait in the queue (for leak tests) */
  int waiterCount() {
    return semaphore.waiterCount();
  }

  /** @return whether the lock is free now (for leak tests) */
  boolean isFree() {
    return semaphore.available() == 1;
  }

  /** @return the guard if the lock is free now, else null */
  public Guard<T> tryLock() {
    Semaphore.Permit p = semaphore.tryAcquire(1);
    if (p == null) {
      return null;
    }
    holder = null; // no context: the dump says the lock is held, not by whom
    return new Guard<>(this, p);
  }

  /** Maps the acquire of the permit to a guard. */
  private record Lock<T>(Mutex<T> mutex, Future<Semaphore.Permit> acquire)
      implements Future<Guard<T>>, Droppable, LockHolder {
    @Override
    public Poll<Guard<T>> poll(Context cx) {
      Poll<Semaphore.Permit> p = acquire.poll(cx);
      if (p.isPending()) {
        return Poll.pending();
      }
      mutex.holder = LockHolder.of(cx);
      return Poll.ready(new Guard<>(mutex, p.get()));
    }

    @Override
    public Object holder() {
      return mutex.isFree() ? null : mutex.holder;
    }

    @Override
    public String toString() {
      return "Mutex.lock() of Mutex@" + Integer.toHexString(System.identityHashCode(mutex));
    }

    @Override
    public void drop() {
      ((Droppable) acquire).drop();
    }
  }

  /**
   * The lock, held: read and replace the value, then {@link #close()} to unlock.
   *
   * @param <T> the value's type
   */
  public static final class Guard<T> implements Grant {
    private final Mutex<T> mutex;
    private final Semaphore.Permit permit;
    private boolean closed;

    Guard(Mutex<T> mutex, Semaphore.Permit permit) {
      this.mutex = mutex;
      this.permit = permit;
    }

    /** @return the guarded value */
    public T get() {
      check();
      return mutex.value;
    }

    /**
     * Replaces the guarded value.
     *
     * @param value the new value
     */
    public void set(T value) {
      check();
      mutex.value = value;
    }

    private void check() {
      if (closed) {
        throw new IllegalStateException("this Mutex guard was closed: lock again to use the value");
      }
    }

    /** Unlocks (and forgets the holder); the next waiter gets the lock. A second call does nothing. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      mutex.holder = null;
      permit.close();
    }
  }
}
