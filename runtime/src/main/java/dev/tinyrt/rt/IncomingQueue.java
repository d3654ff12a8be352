// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The outside wakes of a current-thread runtime, and the handshake that parks and unparks its
 * driving thread: any thread {@link #push}es, only the driving thread {@link #drainTo}s, in
 * batches, and no one takes a lock.
 *
 * <p>The queue is a linked list of array chunks (Kotlin's and JCTools' unbounded MPSC queues have
 * this shape). A producer claims a slot with one {@code getAndAdd} on its chunk's counter and
 * writes the task there; the one that finds a chunk full links the next (a CAS; a producer that
 * loses it drops its chunk). So a push allocates nothing but a chunk every {@link #CHUNK} pushes,
 * and a queued task costs one array slot, nothing in the task itself. The driver takes slots in
 * order and stops at the first empty one: a slot claimed but not yet written holds back the ones
 * after it until its producer writes it, so a batch may end early, never out of order.
 *
 * <p>The park handshake, a Dekker pair of volatile accesses: the driver sets {@link #parked}, then
 * looks at the queue ({@link #prepareToPark}); a producer writes its slot, then reads {@code
 * parked} ({@link #push}). One of them sees the other: either the driver sees the task and does
 * not park, or the producer sees the driver parked (or about to be) and unparks it. A producer
 * that stopped between its claim and its write is still covered: its write comes later, and so
 * does its read of {@code parked}.
 *
 * <p>One unpark per park: the producer that sees {@code parked} set clears it with a CAS, and only
 * the one whose CAS succeeds is told to unpark the driver. A producer that then reads {@code
 * parked} clear is covered by that unpark: the driver, once woken, drains before it announces
 * another park, and its next {@link #prepareToPark} looks at the queue after setting {@code
 * parked} again, so a slot written before that read of {@code parked} is seen there at the
 * latest. Without the CAS, every push while the driver is parked, or woken but waiting for a core,
 * unparked it again: up to one {@code LockSupport.unpark} (a lock of the thread's parker) per push,
 * a million in a round of the 1M carts on a loaded machine.
 */
final class IncomingQueue extends IncomingQueueTrailPad {

  /** Slots per chunk: a chunk of {@code 16 + 4 * CHUNK} bytes every this many pushes. */
  static final int CHUNK = 256;

  /**
   * How many taken slots the driver leaves uncleared behind the next one it takes: 128 bytes of
   * compressed references (256 without), two cache lines, so a clear never touches the line a
   * producer writes next ({@link #clearTaken}).
   */
  static final int CLEAR_LAG = 32;

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Task[].class);

  private static final VarHandle CLAIMED;

  private static final VarHandle NEXT;

  private static final VarHandle TAIL;

  private static final VarHandle PARKED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CLAIMED = lookup.findVarHandle(Chunk.class, "claimed", int.class);
      NEXT = lookup.findVarHandle(Chunk.class, "next", Chunk.class);
      TAIL = lookup.findVarHandle(IncomingQueueProducerSide.class, "tail", Object.class);
      PARKED = lookup.findVarHandle(IncomingQueueProducerSide.class, "parked", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A chunk of slots. */
  private static final class Chunk {

    /**
     * The tasks, in push order; null until written, and again once the driver took them and
     * cleared them ({@link #clearTaken}, a little behind).
     */
    final Task<?>[] slots;

    /** How many slots producers claimed; goes past the chunk's size once it is full. */
    volatile int claimed;

    /** The chunk after this one, linked by the producer that found this one full. */
    volatile Chunk next;

    Chunk(int size) {
      slots = new Task<?>[size];
    }
  }

  /** The chunk the driver takes from. Driver only. */
  private Chunk head;

  /**
   * {@link #head}'s slots, so that a drain does not read the chunk, whose counter producers write
   * at every push. Driver only.
   */
  private Task<?>[] headSlots;

  /** The next slot of {@link #head} the driver takes. Driver only. */
  private int headIndex;

  /**
   * The slots of {@link #head} below this index hold no task any more (see {@link #drainTo}: the
   * driver clears the slots it took a cache line behind, not one by one). Driver only.
   */
  private int clearedTo;

  /** Slots per chunk: {@link #CHUNK}, or fewer in a model check, so it crosses chunks. */
  private final int chunkSize;

  IncomingQueue() {
    this(CHUNK);
  }

  /** @param chunkSize slots per chunk */
  IncomingQueue(int chunkSize) {
    this.chunkSize = chunkSize;
    Chunk first = new Chunk(chunkSize);
    tail = first;
    head = first;
    headSlots = first.slots;
  }

  /**
   * Queues {@code task}; any thread. Never blocks: a producer never waits for another (a full
   * chunk is linked past by whoever gets there first).
   *
   * @param task the woken task
   * @return whether the driver is parked, or about to be, and this push is the one that must
   *     unpark it (the caller must); false if the driver will look at the queue again anyway
   */
  boolean push(Task<?> task) {
    Chunk c = (Chunk) tail;
    while (true) {
      int i = (int) CLAIMED.getAndAdd(c, 1);
      if (i < chunkSize) {
        // Ordering: a volatile write, so the driver that reads the slot sees everything the waking
        // thread wrote before the wake, and the read of parked below cannot move before it (the
        // producer's half of the Dekker pair).
        SLOT.setVolatile(c.slots, i, task);
        // If the driver announced a park, the first push to see it unparks it; the others find
        // the flag clear (a plain read first: no CAS on this line while the driver runs).
        // Ordering: a CAS, so of the pushes that saw the flag set exactly one is told to unpark.
        return parked && PARKED.compareAndSet(this, true, false);
      }
      // The chunk is full: move on to the next one, linking it if nobody did yet.
      Chunk next = c.next;
      if (next == null) {
        Chunk fresh = new Chunk(chunkSize);
        // Ordering: the CAS publishes the fresh chunk whole to the producers that follow it.
        next = (Chunk) NEXT.compareAndExchange(c, null, fresh);
        if (next == null) {
          next = fresh;
        }
      }
      // Help the tail on; if another producer moved it already, this fails and changes nothing.
      TAIL.compareAndSet(this, c, next);
      c = next;
    }
  }

  /** Where {@link #drainTo(Sink)} puts the tasks it takes. */
  interface Sink {
    /** @param task the next task taken, in push order */
    void accept(Task<?> task);
  }

  /**
   * Hands every task pushed so far, in order, to {@code out}; driver only. Stops early at a slot
   * claimed but not written yet (its producer is between its two steps). The driver's place in
   * the queue is written back once per batch, not once per task, on a line of its own (see {@link
   * IncomingQueueTrailPad}); the slots taken are cleared a little behind, or all of them when the
   * drain finds the queue empty ({@link #clearTaken}).
   *
   * @param out where the tasks go
   * @return how many were moved
   */
  int drainTo(Sink out) {
    return drainTo(out, Integer.MAX_VALUE);
  }

  /**
   * {@link #drainTo(Sink)}, but stops after {@code max} tasks.
   *
   * @param out where the tasks go
   * @param max at most this many are moved
   * @return how many were moved
   */
  int drainTo(Sink out, int max) {
    Chunk c = head;
    Task<?>[] slots = headSlots;
    int i = headIndex;
    int moved = 0;
    try {
      while (true) {
        if (i == chunkSize) {
          // Past the chunk's end: on to the next one if it is linked (the old chunk is garbage,
          // with whatever it still points to).
          Chunk next = c.next;
          if (next == null) {
            break;
          }
          c = next;
          slots = c.slots;
          i = 0;
          clearedTo = 0;
          continue;
        }
        if (moved == max) {
          break;
        }
        // Ordering: acquire, paired with the producer's volatile write of the slot.
        Task<?> task = (Task<?>) SLOT.getAcquire(slots, i);
        if (task == null) {
          break;
        }
        i++;
        moved++;
        out.accept(task);
      }
    } finally {
      // Also if out threw: the slots taken must not be looked at again.
      if (c != head || i != headIndex) {
        head = c;
        headSlots = slots;
        headIndex = i;
      }
      // Found empty, the queue holds nothing: no producer is writing the next slot as far as
      // this drain could tell, and a queue that stays empty must not keep the last tasks.
      clearTaken(moved == 0 ? 0 : CLEAR_LAG);
    }
    return moved;
  }

  /**
   * Clears the slots of {@link #head} the driver took, up to {@code lag} slots behind the next one
   * it takes, so that the queue does not keep finished tasks reachable. A line behind, not slot by
   * slot: a producer may be writing the slot after the last one taken, and clearing its
   * neighbours would take that cache line from it at every task when the driver keeps pace with a
   * producer (the 1M carts' driver sending prices). Driver only.
   *
   * @param lag how many taken slots to leave: {@link #CLEAR_LAG} after a drain that took tasks
   *     (producers may be pushing), 0 after one that found the queue empty, and before a park
   */
  private void clearTaken(int lag) {
    int to = headIndex - lag;
    if (to > clearedTo) {
      Arrays.fill(headSlots, clearedTo, to, null);
      clearedTo = to;
    }
  }

  /** @return how many slots of the head chunk below the next one taken still hold a task (tests) */
  int takenStillHeld() {
    int held = 0;
    for (int k = 0; k < headIndex; k++) {
      if (headSlots[k] != null) {
        held++;
      }
    }
    return held;
  }

  /**
   * Whether a push may be waiting to be drained; driver only. A cheap look: one slot, or one link.
   *
   * @return false only if no push finished writing its slot before this read
   */
  boolean mayHaveTasks() {
    Chunk c = head;
    int i = headIndex;
    if (i == chunkSize) {
      return c.next != null;
    }
    // Ordering: volatile, the driver's half of the Dekker pair when called by prepareToPark.
    return SLOT.getVolatile(headSlots, i) != null;
  }

  /**
   * Looks for a push up to {@code looks} times, with {@link Thread#onSpinWait} between looks;
   * driver only. Only reads: the park handshake is {@link #prepareToPark}'s, after it.
   *
   * @param looks how many looks at most
   * @return whether a push may be waiting to be drained
   */
  boolean awaitPush(int looks) {
    for (int k = 0; k < looks; k++) {
      if (mayHaveTasks()) {
        return true;
      }
      Thread.onSpinWait();
    }
    return mayHaveTasks();
  }

  /**
   * The driver announces that it is about to park, then looks at the queue one last time.
   *
   * @return true if it may park now: every later push will return true (and unpark it); false if
   *     a task is waiting: it must drain instead (the announcement is withdrawn)
   */
  boolean prepareToPark() {
    clearTaken(0); // nothing left for a parked driver's queue to keep alive
    parked = true;
    // Ordering: the volatile write of parked comes before the volatile read of the slot, so a
    // producer that wrote after our read reads parked as true.
    if (mayHaveTasks()) {
      parked = false;
      return false;
    }
    return true;
  }

  /**
   * The driver's park returned (woken, or for no reason): pushes need not unpark it any more. The
   * flag may be clear already (the push that unparked it cleared it).
   */
  void parkEnded() {
    parked = false;
  }
}

/**
 * Padding before {@link IncomingQueueProducerSide}'s fields: {@link IncomingQueue}'s field layout,
 * superclass fields first, keeps the fields producers read at every push on a cache line of their
 * own (JCTools' queues pad the same way; {@code @Contended} is not open to user classes).
 */
abstract class IncomingQueueLeadPad {
  long p00;
  long p01;
  long p02;
  long p03;
  long p04;
  long p05;
  long p06;
  long p07;
}

/** The fields of {@link IncomingQueue} that producers read at every push. */
abstract class IncomingQueueProducerSide extends IncomingQueueLeadPad {

  /**
   * The chunk producers push into (or one behind it, until a producer moves it on): an {@code
   * IncomingQueue.Chunk}, private to that class.
   */
  volatile Object tail;

  /**
   * Set by the driver just before it looks at the queue a last time; cleared by the one push that
   * unparks it (a CAS), or by the driver when its park ends.
   */
  volatile boolean parked;
}

/**
 * Padding between the producers' fields and the driver's ({@link IncomingQueue}'s own), which the
 * driver writes after every batch it takes: without it each batch took the line producers read
 * {@code tail} and {@code parked} from, a miss at the next push, at every task when the driver
 * keeps pace with a producer.
 */
abstract class IncomingQueueTrailPad extends IncomingQueueProducerSide {
  long p10;
  long p11;
  long p12;
  long p13;
  long p14;
  long p15;
  long p16;
  long p17;
}
