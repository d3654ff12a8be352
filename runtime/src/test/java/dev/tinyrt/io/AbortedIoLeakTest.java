// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Futures;
import dev.tinyrt.internal.StageFuture;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.time.Elapsed;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Socket operations abandoned in compositions, on a current-thread runtime whose own thread
 * selects ({@link IoDriver#of}): a read under {@code timeout} that elapses while the thread is
 * blocked in {@code select}, reads that lose a {@code select}, and a runtime shut down while its
 * tasks wait on sockets. Each leaves no interest and, once its sockets are closed, no key and no
 * descriptor (counted in {@code /proc/self/fd} after a warm-up round, so the JDK's lazily opened
 * files do not count).
 */
@Timeout(120)
class AbortedIoLeakTest {

  /** Rounds of aborted reads per connection. */
  private static final int ROUNDS = 100;

  /** @return the driver's key counts, read on the runtime's own thread */
  private static IoDriver.KeyCount keys(AsyncRuntime rt, IoDriver io) {
    return rt.blockOn(StageFuture.of(io.keyCount()));
  }

  /** One runtime: connect, abort {@code ROUNDS} reads each way, close; checks keys as it goes. */
  private static void abortReadsUnderTimeout() throws Exception {
    ManualClock clock = new ManualClock();
    try (AsyncRuntime rt =
        AsyncRuntime.builder().currentThread().timer(Timer.manual(clock)).build()) {
      IoDriver io = IoDriver.of(rt);
      try (TcpListener listener = TcpListener.bind(RuntimeSelectTest.ANY, io)) {
        JoinHandle<TcpStream> accepted = rt.spawn(listener.accept());
        try (TcpStream client = rt.blockOn(TcpStream.connect(listener.localAddress(), io));
            TcpStream server = rt.blockOn(accepted)) {
          for (int i = 0; i < ROUNDS; i++) {
            // The timer fires from another thread while the runtime's thread selects.
            Outside advance = Outside.whenSelecting(io,
                () -> clock.advance(Duration.ofSeconds(1)));
            TcpStream reader = i % 2 == 0 ? server : client;
            assertThrows(Elapsed.class, () -> rt.blockOn(
                rt.timer().timeout(reader.read(ByteBuffer.allocate(8)), Duration.ofSeconds(1))));
            advance.join();
            // A read that loses a select to a ready value is dropped at once.
            assertEquals(-1L, rt.blockOn(Futures.race(
                reader.read(ByteBuffer.allocate(8)), dev.tinyrt.Future.ready(-1L))).longValue());
          }
          assertEquals(new IoDriver.KeyCount(2, 0), keys(rt, io),
              "aborted reads leave their sockets' keys with no interest");
          // Nothing was lost: a byte written now is read by a fresh read.
          rt.blockOn(client.writeAll(ByteBuffer.wrap(new byte[] {42})));
          ByteBuffer one = ByteBuffer.allocate(1);
          rt.blockOn(server.readExact(one));
          assertEquals(42, one.get(0));
        }
      }
      assertEquals(new IoDriver.KeyCount(0, 0), keys(rt, io), "closed sockets leave no key");
      assertEquals(0, rt.timer().pending(), "no timeout's sleep left in the timer");
    }
  }

  @Test
  void readsAbortedByTimeoutWhileTheRuntimeSelectsLeaveNoKeyAndNoDescriptor() throws Exception {
    abortReadsUnderTimeout(); // warm-up: the JDK opens some files once, lazily
    long before = Descriptors.open();
    abortReadsUnderTimeout();
    abortReadsUnderTimeout();
    assertEquals(before, Descriptors.open(),
        "two more runtimes with 2 x " + ROUNDS + " aborted reads each leave no descriptor open");
  }

  /** A runtime whose tasks wait on sockets, shut down by its own thread. */
  private static List<JoinHandle<?>> shutDownWhileTasksWaitOnSockets() throws Exception {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    IoDriver io = IoDriver.of(rt);
    TcpListener listener = TcpListener.bind(RuntimeSelectTest.ANY, io);
    JoinHandle<TcpStream> accepted = rt.spawn(listener.accept());
    TcpStream client = rt.blockOn(TcpStream.connect(listener.localAddress(), io));
    TcpStream server = rt.blockOn(accepted);
    JoinHandle<TcpStream> secondAccept = rt.spawn(listener.accept());
    JoinHandle<Integer> read = rt.spawn(server.read(ByteBuffer.allocate(8)));
    JoinHandle<Void> readExact = rt.spawn(rt.timer().timeout(
        client.readExact(ByteBuffer.allocate(8)), Duration.ofHours(1)));
    // Let each task reach its socket and the runtime's thread register them: the first count's
    // change is queued before the tasks run, so it may come before their registrations.
    IoDriver.KeyCount waiting = keys(rt, io);
    for (int i = 0; i < 10 && !waiting.equals(new IoDriver.KeyCount(3, 3)); i++) {
      waiting = keys(rt, io);
    }
    assertEquals(new IoDriver.KeyCount(3, 3), waiting, "three operations wait");
    assertTrue(!rt.shutdown(Duration.ZERO), "the waiting tasks did not finish on their own");
    assertEquals(0, rt.liveTasks(), "every task was cancelled and unwound");
    assertTrue(io.isClosed(), "the runtime's I/O driver closed with it");
    client.close();
    server.close();
    listener.close();
    return List.of(secondAccept, read, readExact);
  }

  @Test
  void aRuntimeShutDownWhileItsTasksWaitOnSocketsCancelsThemAndLeavesNoDescriptor()
      throws Exception {
    shutDownWhileTasksWaitOnSockets(); // warm-up
    long before = Descriptors.open();
    for (int i = 0; i < 3; i++) {
      for (JoinHandle<?> h : shutDownWhileTasksWaitOnSockets()) {
        assertTrue(h.isCancelled(), h + " was cancelled by the shutdown");
      }
    }
    assertEquals(before, Descriptors.open(),
        "runtimes shut down with tasks waiting on sockets leave no descriptor (selector included)");
  }
}
