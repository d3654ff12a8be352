// SPDX-License-Identifier: Apache-2.0
/**
 * Channels and synchronisation for async code: {@link dev.tinyrt.sync.Oneshot}, {@link
 * dev.tinyrt.sync.Mpsc}, {@link dev.tinyrt.sync.Broadcast}, {@link dev.tinyrt.sync.Watch}, {@link
 * dev.tinyrt.sync.Mutex}, {@link dev.tinyrt.sync.Semaphore} and {@link dev.tinyrt.sync.Notify}.
 * Every wait is a {@link dev.tinyrt.Future}; none blocks a thread.
 *
 * <h2>One waiter queue</h2>
 *
 * <p>Every waiting future of this package (an acquire, a lock, a bounded send, a receive, a
 * {@code notified}, a {@code changed}) is its own node in one kind of queue, {@code WaitQueue}:
 * fair (first come, first granted), O(1) to join and to leave, with no allocation per waiter
 * beyond the future itself. A primitive grants a waiter by taking it out of the queue and waking
 * it; the waiter's next poll consumes the grant.
 *
 * <h2>Abandonment (cancel safety)</h2>
 *
 * <p>Every waiting future is {@link dev.tinyrt.Droppable}. The runtime drops one that a cancelled
 * task or a combinator abandons; {@code drop()} is called at most once, never concurrently with
 * {@code poll}, possibly before any poll (a cancelled task abandons a leaf at its first await: then
 * there is nothing to give back). Dropped, a future leaves the queue, holds no waker,
 * and passes on what it was granted and did not take: permits and the lock go to the next
 * waiters, a slot kept for a bounded send goes to the next send, a value handed to an mpsc
 * receive goes to the next receive (or back to the front of the queue), a {@code notifyOne}
 * notification goes to the next waiter (or becomes the stored permit). A {@code notifyWaiters}
 * wake, and the wake of a broadcast or watch receive, promised nothing and passes nothing on.
 *
 * <h2>When the sender is gone</h2>
 *
 * <p>One rule for every channel: when every sender is gone, closed or garbage-collected without
 * closing, the channel is closed. Receivers first get what is still queued for them; then {@code
 * Mpsc} and {@code Broadcast} receives give {@code null} (their values cannot be null), while
 * {@code Oneshot} receivers and {@code Watch.changed()} throw {@link
 * dev.tinyrt.sync.ChannelClosedException} (their values may be null). A garbage-collected sender
 * is noticed on a daemon thread: by a {@link java.lang.ref.Cleaner} for {@code Mpsc}, {@code
 * Broadcast} and {@code Watch}, and for {@code Oneshot} by a phantom reference its channel holds
 * (dropped once the sender sent or closed, so a finished channel costs the collector nothing).
 *
 * <p>The other way round, an {@code Mpsc} receiver garbage-collected without closing (its consumer
 * tasks were cancelled or failed) closes the receiving side, as {@code Receiver.close()} does:
 * every send then throws {@link dev.tinyrt.sync.ChannelClosedException}, one waiting for room
 * included, instead of waiting for ever.
 *
 * <h2>Sharing</h2>
 *
 * <p>An {@code Mpsc} channel has many producers and its receiver may be shared by several consumer
 * tasks: waiting receives queue fairly, each value wakes one, a close wakes all.
 */
package dev.tinyrt.sync;
