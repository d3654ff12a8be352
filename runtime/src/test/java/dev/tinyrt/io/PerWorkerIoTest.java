// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.StageFuture;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.IoMode;
import dev.tinyrt.rt.JoinHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A multi-threaded runtime built with {@link IoMode#PER_WORKER}: each worker selects on its own
 * selector when it has nothing to run. A worker that always has a task still sees its sockets'
 * readiness; a worker blocked in {@code select} is woken for new work with one {@code
 * Selector.wakeup()}; a socket accepted by a task lives on its worker's selector; shutting the
 * runtime down closes every selector and leaves no descriptor.
 */
@Timeout(60)
class PerWorkerIoTest {

  /** @return a runtime with {@code workers} workers, each selecting on its own selector */
  private static AsyncRuntime perWorker(int workers) {
    return AsyncRuntime.builder().multiThread(workers).io(IoMode.PER_WORKER).name("per-worker")
        .build();
  }

  /**
   * A task that wakes itself at every poll until {@code stop} is set, so its worker never sleeps;
   * counts {@code running} down at its first poll.
   */
  private static Future<Void> busyUntil(AtomicBoolean stop, CountDownLatch running) {
    return cx -> {
      running.countDown();
      if (stop.get()) {
        return Poll.ready(null);
      }
      cx.waker().wake();
      return Poll.pending();
    };
  }

  @Test
  @Timeout(20) // without the busy worker's look at its selector, the read below waits forever
  void aBusyWorkersSocketReadinessIsStillSeen() throws Exception {
    try (AsyncRuntime rt = perWorker(1)) {
      IoDriver io = IoDriver.of(rt);
      try (TcpListener listener = TcpListener.bind(RuntimeSelectTest.ANY, io);
          SocketChannel peer = SocketChannel.open(listener.localAddress());
          TcpStream server = Async.blockOn(listener.accept())) {
        // The read waits on the worker's selector...
        JoinHandle<Integer> read = rt.spawn(server.read(ByteBuffer.allocate(8)));
        assertEquals(1, awaitInterest(io, 1).interested(), "the read waits on the selector");
        // ...then the worker gets a task that never lets it sleep, and only then come the bytes.
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch running = new CountDownLatch(1);
        JoinHandle<Void> busy = rt.spawn(busyUntil(stop, running));
        assertTrue(running.await(10, TimeUnit.SECONDS), "the busy task never ran");
        peer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertEquals(3, Async.blockOn(read));
        assertTrue(!busy.isFinished(), "the worker was busy all along");
        stop.set(true);
        Async.blockOn(busy);
      }
    }
  }

  /** Reads the key counts until {@code interested} keys have interest (the tasks got there). */
  private static IoDriver.KeyCount awaitInterest(IoDriver io, int interested) throws Exception {
    IoDriver.KeyCount c = io.keyCount().get();
    for (int i = 0; i < 1_000 && c.interested() < interested; i++) {
      Thread.onSpinWait();
      c = io.keyCount().get(); // a round trip through the worker: no sleep
    }
    return c;
  }

  @Test
  @Timeout(20) // a sleeping worker that left the task its selector woke in its own slot hangs here
  void readinessOnASleepingWorkersSelectorRunsTheWokenTask() throws Exception {
    try (AsyncRuntime rt = perWorker(1)) {
      IoDriver io = IoDriver.of(rt);
      try (TcpListener listener = TcpListener.bind(RuntimeSelectTest.ANY, io);
          SocketChannel peer = SocketChannel.open(listener.localAddress());
          TcpStream server = Async.blockOn(listener.accept())) {
        for (int round = 0; round < 20; round++) {
          JoinHandle<Integer> read = rt.spawn(server.read(ByteBuffer.allocate(8)));
          assertEquals(1, awaitInterest(io, 1).interested(), "the read waits on the selector");
          // The worker sleeps in select: the wake it dispatches goes to its own LIFO slot, and
          // nobody else will wake it for that task.
          Outside write = Outside.whenSelecting(io, () -> peer.write(ByteBuffer.wrap(new byte[] {1})));
          assertEquals(1, Async.blockOn(read));
          write.join();
        }
      }
    }
  }

  @Test
  @Timeout(20) // a wake sent by LockSupport alone never gets a worker out of select
  void newWorkForAWorkerBlockedInSelectCostsOneWakeup() throws Exception {
    try (AsyncRuntime rt = perWorker(1)) {
      IoDriver io = IoDriver.of(rt);
      int before = io.wakeups();
      // Once the worker announced its select, a spawn from outside must get it out.
      Outside spawn = Outside.whenSelecting(io, () -> Async.blockOn(rt.spawn(Future.ready(7))));
      spawn.join();
      assertEquals(1, io.wakeups() - before, "one Selector.wakeup() for one new task");
    }
  }

  @Test
  void aTaskGetsItsOwnWorkersDriverAndOutsideCallsGoRoundRobin() throws Exception {
    try (AsyncRuntime rt = perWorker(2)) {
      IoDriver first = IoDriver.of(rt);
      IoDriver second = IoDriver.of(rt);
      assertNotSame(first, second, "two workers, two selectors, chosen in turn from outside");
      assertSame(first, IoDriver.of(rt), "round robin over the two");
      // On a worker, the same driver for every call on that thread.
      JoinHandle<Boolean> sameOnAWorker = rt.spawn(cx -> {
        AsyncRuntime current = AsyncRuntime.current();
        IoDriver here = IoDriver.of(current);
        boolean same = here == IoDriver.of(current) && (here == first || here == second);
        return Poll.ready(same);
      });
      assertTrue(Async.blockOn(sameOnAWorker));
    }
  }

  @Test
  void echoOverManyConnectionsWithTasksMovingBetweenWorkers() throws Exception {
    int connections = 50;
    try (AsyncRuntime rt = perWorker(2)) {
      IoDriver io = IoDriver.of(rt);
      try (TcpListener listener = TcpListener.bind(RuntimeSelectTest.ANY, io)) {
        List<SocketChannel> peers = new ArrayList<>();
        List<JoinHandle<Integer>> echoes = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
          peers.add(SocketChannel.open(listener.localAddress()));
          // Each accept runs on a worker: the stream's key goes on that worker's selector.
          TcpStream stream = Async.blockOn(rt.spawn(listener.accept()));
          echoes.add(rt.spawn(echoOnce(stream)));
        }
        // Every read waits (nothing was sent): each on the selector of the worker that accepted
        // its stream, none on a driver thread. Counted by round trips through the workers.
        Set<IoDriver> drivers = new HashSet<>(List.of(IoDriver.of(rt), IoDriver.of(rt)));
        assertEquals(2, drivers.size());
        int waiting = 0;
        for (int round = 0; round < 1_000 && waiting < connections; round++) {
          waiting = 0;
          for (IoDriver d : drivers) {
            waiting += d.keyCount().get().interested();
          }
        }
        assertEquals(connections, waiting, "every read waits on one of the workers' selectors");
        for (int i = 0; i < connections; i++) {
          peers.get(i).write(ByteBuffer.wrap(new byte[] {(byte) i}));
        }
        for (int i = 0; i < connections; i++) {
          assertEquals(i, (byte) (int) Async.blockOn(echoes.get(i)));
        }
        for (SocketChannel p : peers) {
          p.close();
        }
      }
    }
  }

  /** Reads one byte, closes the stream, and returns the byte. */
  private static Future<Integer> echoOnce(TcpStream stream) {
    ByteBuffer in = ByteBuffer.allocate(1);
    Future<Integer> read = stream.read(in);
    return cx -> {
      Poll<Integer> p = read.poll(cx);
      if (p.isPending()) {
        return Poll.pending();
      }
      try {
        stream.close();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return Poll.ready((int) in.get(0));
    };
  }

  @Test
  void aShutDownRuntimeHandsOutNoDriverAndOpensNoSelector() {
    AsyncRuntime never = perWorker(2);
    never.close();
    long before = Descriptors.open();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> IoDriver.of(never));
    assertTrue(e.getMessage().contains("is shut down: open its sockets before close()"),
        e.getMessage());
    assertEquals(before, Descriptors.open(), "IoDriver.of(closed runtime) opened selectors");
    AsyncRuntime used = perWorker(2);
    IoDriver io = IoDriver.of(used);
    used.close();
    assertTrue(io.isClosed(), "the workers' selectors close with the runtime");
    assertThrows(IllegalStateException.class, () -> IoDriver.of(used),
        "a closed runtime hands out no driver, not even its closed ones");
  }

  /** A runtime whose tasks wait on sockets on both workers' selectors, shut down. */
  private static void shutDownWhileTasksWait() throws Exception {
    AsyncRuntime rt = perWorker(2);
    IoDriver io = IoDriver.of(rt);
    TcpListener listener = TcpListener.bind(RuntimeSelectTest.ANY, io);
    SocketChannel peer = SocketChannel.open(listener.localAddress());
    TcpStream server = Async.blockOn(rt.spawn(listener.accept()));
    JoinHandle<TcpStream> secondAccept = rt.spawn(listener.accept());
    JoinHandle<Integer> read = rt.spawn(server.read(ByteBuffer.allocate(8)));
    assertTrue(!rt.shutdown(Duration.ZERO), "the waiting tasks did not finish on their own");
    assertTrue(secondAccept.isCancelled() && read.isCancelled(), "both were cancelled");
    assertTrue(io.isClosed(), "the workers' selectors closed with the runtime");
    server.close();
    listener.close();
    peer.close();
  }

  @Test
  void aShutDownRuntimeClosesEverySelectorAndLeavesNoDescriptor() throws Exception {
    shutDownWhileTasksWait(); // warm-up: the JDK opens some files once, lazily
    long before = Descriptors.open();
    for (int i = 0; i < 3; i++) {
      shutDownWhileTasksWait();
    }
    assertEquals(before, Descriptors.open(),
        "runtimes with two selectors each, shut down with tasks waiting, leave no descriptor");
  }
}
