// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.IoMode;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.WorkerPool;
import dev.tinyrt.sync.Mutex;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/**
 * The composition the hostile campaign names: a lock inside a {@code joinAll} inside a {@code
 * timeout}, with a {@code TcpStream.read} on loopback as the other leaf, aborted by the runtime's
 * shutdown while both wait (the lock is held elsewhere, no byte comes), on every multi-threaded
 * runtime shape. Afterwards no task is live, the read left its key with no interest, the mutex
 * has no waiter left (unlocking it leaves it free), the timer holds nothing, and once the sockets
 * and their driver are closed, no descriptor is left open (counted after a warm-up round).
 */
@Timeout(120)
class LockJoinReadTimeoutShutdownTest {

  /** The runtime shapes. */
  enum Shape {
    /** Work stealing, two workers, per-worker selectors (the sockets use their own driver). */
    WORK_STEALING(2, WorkerPool.WORK_STEALING, IoMode.PER_WORKER),
    /** Work stealing, two workers, the I/O driver thread. */
    DRIVER_THREAD(2, WorkerPool.WORK_STEALING, IoMode.DRIVER_THREAD),
    /** A fork-join pool. */
    FORK_JOIN(2, WorkerPool.FORK_JOIN, IoMode.DRIVER_THREAD),
    /** Threads sharing one queue. */
    SHARED_QUEUE(2, WorkerPool.SHARED_QUEUE, IoMode.DRIVER_THREAD),
    /** One work-stealing worker. */
    ONE_WORKER(1, WorkerPool.WORK_STEALING, IoMode.PER_WORKER),
    /** Three work-stealing workers. */
    THREE_WORKERS(3, WorkerPool.WORK_STEALING, IoMode.PER_WORKER);

    /** Worker threads. */
    final int workers;

    /** The pool. */
    final WorkerPool pool;

    /** The I/O mode. */
    final IoMode io;

    Shape(int workers, WorkerPool pool, IoMode io) {
      this.workers = workers;
      this.pool = pool;
      this.io = io;
    }
  }

  /** Tasks of the composition per round, all waiting at shutdown. */
  private static final int TASKS = 4;

  /** How many key counts to ask for before the tasks must have reached their sockets. */
  private static final int LOOKS = 2_000;

  @ParameterizedTest
  @EnumSource(Shape.class)
  void aLockAndAReadInAJoinAllInATimeoutAbortedByShutdownLeaveNothing(Shape shape)
      throws Exception {
    round(shape); // warm-up: the JDK opens some files once, lazily
    long before = Descriptors.open();
    round(shape);
    round(shape);
    assertEquals(before, Descriptors.open(), shape + ": two more rounds left descriptors open");
  }

  private static void round(Shape shape) throws Exception {
    ManualClock clock = new ManualClock();
    IoDriver io = IoDriver.open();
    try {
      AsyncRuntime rt = AsyncRuntime.builder().multiThread(shape.workers).workerPool(shape.pool)
          .io(shape.io).timer(Timer.manual(clock)).name("ljrts-" + shape).build();
      Mutex<Integer> mutex = new Mutex<>(0);
      Mutex.Guard<Integer> held = mutex.tryLock();
      assertNotNull(held);
      try (TcpListener listener = TcpListener.bind(RuntimeSelectTest.ANY, io)) {
        List<TcpStream[]> pairs = new java.util.ArrayList<>();
        List<JoinHandle<?>> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
          JoinHandle<TcpStream> accepted = rt.spawn(listener.accept());
          TcpStream client = rt.blockOn(TcpStream.connect(listener.localAddress(), io));
          TcpStream server = rt.blockOn(accepted);
          pairs.add(new TcpStream[] {client, server});
          Future<?> composition = rt.timer().timeout(
              Futures.joinAll(List.<Future<?>>of(mutex.lock(), server.read(ByteBuffer.allocate(8)))),
              Duration.ofHours(1));
          tasks.add(rt.spawn(composition));
        }
        // Every read waits on its socket (which sockets have keys besides: the driver's business).
        IoDriver.KeyCount waiting = null;
        for (int look = 0; look < LOOKS; look++) {
          waiting = io.keyCount().get(10, TimeUnit.SECONDS);
          if (waiting.interested() == TASKS) {
            break;
          }
        }
        assertEquals(TASKS, waiting.interested(), shape + ": every task's read waits");
        assertTrue(!rt.shutdown(Duration.ZERO), shape + ": the tasks wait; the shutdown aborts");
        assertEquals(0, rt.liveTasks(), shape + ": every task unwound");
        for (JoinHandle<?> t : tasks) {
          assertTrue(t.isCancelled(), shape + ": " + t + " was cancelled by the shutdown");
        }
        assertEquals(new IoDriver.KeyCount(waiting.registered(), 0), io.keyCount().get(10,
            TimeUnit.SECONDS), shape + ": aborted reads leave their keys with no interest");
        assertEquals(0, rt.timer().pending(), shape + ": no timeout's sleep left");
        held.close();
        Mutex.Guard<Integer> again = mutex.tryLock();
        assertNotNull(again, shape + ": unlocking handed the lock to an aborted waiter");
        again.close();
        for (TcpStream[] pair : pairs) {
          pair[0].close();
          pair[1].close();
        }
      }
      assertEquals(new IoDriver.KeyCount(0, 0), io.keyCount().get(10, TimeUnit.SECONDS),
          shape + ": closed sockets leave no key");
    } finally {
      closeAndJoin(io);
    }
  }

  /**
   * Closes a driver opened with {@code IoDriver.open()} and waits for its thread to end: the thread
   * closes the selector (its descriptors) on its way out, after {@code close()} returned.
   */
  private static void closeAndJoin(IoDriver io) throws InterruptedException {
    String text = io.toString(); // IoDriver[tinyrt-io-N]
    String name = text.substring(text.indexOf('[') + 1, text.indexOf(']'));
    io.close();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        t.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(!t.isAlive(), name + " did not end after its driver closed");
      }
    }
  }
}
