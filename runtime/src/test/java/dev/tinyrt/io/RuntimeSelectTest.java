// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.IoMode;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.sync.Oneshot;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A current-thread runtime whose own driving thread selects when it has no task to run ({@link
 * IoDriver#of}): sockets served with no I/O thread, a wake from another thread and a timer firing
 * while that thread is blocked in {@code select}, each costing one {@code Selector.wakeup()}. What
 * the tests do from outside runs on an {@link Outside} helper, which waits for the select on a
 * latch and hands its failures back at {@code join()}.
 */
@Timeout(60)
class RuntimeSelectTest {

  /** Any free port on loopback. */
  static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  /** @return the names of the live threads that look like an I/O driver's */
  static Set<String> ioThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.startsWith("tinyrt-io"))
        .collect(Collectors.toSet());
  }

  @Test
  void aHelperThreadsAssertionFailsTheTestAtJoin() throws Exception {
    Outside helper = Outside.start("failing", () -> assertEquals(1, 2, "in the helper"));
    AssertionError e = assertThrows(AssertionError.class, helper::join);
    assertTrue(e.getMessage().contains("failing") && e.getMessage().contains("in the helper"),
        e.getMessage());
  }

  @Test
  void echoRunsOnTheRuntimeThreadWithNoIoThread() throws Exception {
    Set<String> before = ioThreads();
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      IoDriver io = IoDriver.of(rt);
      assertSame(io, IoDriver.of(rt), "one driver per runtime");
      try (TcpListener listener = TcpListener.bind(ANY, io)) {
        // The accept waits in a task while the main future connects: both through one select.
        JoinHandle<TcpStream> accepted = rt.spawn(listener.accept());
        try (TcpStream client = rt.blockOn(TcpStream.connect(listener.localAddress(), io));
            TcpStream server = rt.blockOn(accepted)) {
          for (String word : new String[] {"hello", "again"}) {
            ByteBuffer in = ByteBuffer.allocate(word.length());
            JoinHandle<Void> read = rt.spawn(server.readExact(in)); // waits: nothing sent yet
            rt.blockOn(client.writeAll(ByteBuffer.wrap(word.getBytes(UTF_8))));
            rt.blockOn(read);
            ByteBuffer back = ByteBuffer.allocate(word.length());
            JoinHandle<Void> reply = rt.spawn(client.readExact(back));
            rt.blockOn(server.writeAll(in.flip()));
            rt.blockOn(reply);
            assertEquals(word, new String(back.array(), UTF_8));
          }
        }
      }
      assertEquals(new IoDriver.KeyCount(0, 0), rt.blockOn(dev.tinyrt.internal.StageFuture.of(
          io.keyCount())), "closed sockets leave no key");
      assertEquals(0, io.wakeups(), "nothing outside the runtime's thread woke its selector");
    }
    assertEquals(before, ioThreads(), "no I/O driver thread was started");
  }

  @Test
  void aWakeFromAnotherThreadGetsTheSelectingThreadOutOnce() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.currentThread();
        TcpListener listener = TcpListener.bind(ANY, IoDriver.of(rt))) {
      IoDriver io = IoDriver.of(rt);
      // A registration is pending (an accept nobody answers), and the main future waits for a
      // value only another thread sends.
      JoinHandle<TcpStream> accept = rt.spawn(listener.accept());
      Oneshot.Channel<String> ch = Oneshot.channel();
      Outside outside = Outside.whenSelecting(io, () -> ch.sender().send("from outside"));
      assertEquals("from outside", rt.blockOn(ch.receiver()));
      outside.join();
      assertEquals(1, io.wakeups(), "one wakeup for one wake while selecting");
      accept.abort();
    }
  }

  @Test
  void aTimerFiringWhileSelectingWakesTheSleeper() throws Exception {
    ManualClock clock = new ManualClock();
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().timer(Timer.manual(clock))
        .build()) {
      IoDriver io = IoDriver.of(rt);
      Outside outside = Outside.whenSelecting(io, () -> clock.advance(Duration.ofSeconds(5)));
      rt.blockOn(rt.timer().sleep(Duration.ofSeconds(5)));
      outside.join();
      assertEquals(1, io.wakeups(), "the timer's wake got the thread out of select once");
    }
  }

  @Test
  void aShutdownDeadlineBoundsTheSelect() throws Exception {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    IoDriver io = IoDriver.of(rt);
    try (TcpListener listener = TcpListener.bind(ANY, io)) {
      rt.spawn(listener.accept()); // never answered: the runtime selects until the deadline
      long start = System.nanoTime();
      assertFalse(rt.shutdown(Duration.ofMillis(50)), "the accept was still waiting");
      long took = System.nanoTime() - start;
      assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(50), "returned before the deadline");
      assertTrue(io.isClosed(), "the runtime's driver closes with it");
    }
  }

  @Test
  void aRuntimeDriverClosesOnlyWithItsRuntime() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, IoDriver.of(rt)::close);
      assertTrue(e.getMessage().contains("close the runtime"), e.getMessage());
    }
    try (AsyncRuntime rt =
        AsyncRuntime.builder().multiThread(1).io(IoMode.DRIVER_THREAD).build()) {
      assertSame(IoDriver.system(), IoDriver.of(rt), "io(DRIVER_THREAD) uses the driver thread");
    }
    if (System.getProperty("tinyrt.io") == null) {
      try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(1).build()) {
        IoDriver io = IoDriver.of(rt);
        assertNotSame(IoDriver.system(), io, "by default each worker selects on its own");
        IllegalStateException e = assertThrows(IllegalStateException.class, io::close);
        assertTrue(e.getMessage().contains("close the runtime"), e.getMessage());
      }
    }
  }

  @Test
  void driverOfAClosedRuntimeIsRefusedAndOpensNoSelector() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    rt.close();
    long before = Descriptors.open();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> IoDriver.of(rt));
    assertTrue(e.getMessage().contains("is shut down: open its sockets before close()"),
        e.getMessage());
    assertEquals(before, Descriptors.open(), "IoDriver.of(closed runtime) opened descriptors");
  }

  @Test
  void driverOfARuntimeClosedAfterItsDriverWasMadeIsRefusedToo() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    IoDriver io = IoDriver.of(rt);
    rt.close();
    assertTrue(io.isClosed(), "the runtime's driver closes with it");
    assertThrows(IllegalStateException.class, () -> IoDriver.of(rt),
        "a closed runtime hands out no driver, not even its closed one");
  }

  @Test
  void closeFromAnotherThreadWhileTheRuntimeSelectsIsRefusedWhole() throws Exception {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    IoDriver io = IoDriver.of(rt);
    try (TcpListener listener = TcpListener.bind(ANY, io)) {
      JoinHandle<TcpStream> accept = rt.spawn(listener.accept());
      AtomicReference<Throwable> closeFailed = new AtomicReference<>();
      Outside closer = Outside.whenSelecting(io, () -> {
        try {
          rt.close();
        } catch (Throwable t) {
          closeFailed.set(t);
        }
      });
      // Once the close is over, a connection ends the accept, and with it the blockOn.
      Outside connect = Outside.start("connect", () -> {
        closer.join();
        SocketChannel.open(listener.localAddress()).close();
      });
      try (TcpStream accepted = rt.blockOn(accept)) {
        assertTrue(accepted != null, "the accept ran on: the close changed nothing");
      }
      closer.join();
      connect.join();
      Throwable refused = closeFailed.get();
      assertTrue(refused instanceof IllegalStateException, "close() from another thread: " + refused);
      assertTrue(refused.getMessage().contains("on that thread after its blockOn returns"),
          refused.getMessage());
      assertFalse(rt.isShutdown(), "a refused close leaves the runtime running");
      assertFalse(io.isClosed(), "a refused close leaves the selector open");
      rt.spawn(Future.ready(1)); // still accepts tasks
    }
    rt.close(); // on the driving thread, after blockOn: the way that works
    assertTrue(rt.isShutdown());
    assertTrue(io.isClosed(), "the runtime's selector was stopped by close()");
  }

  @Test
  void blockOnFromAnotherThreadWhileTheRuntimeSelectsIsRefused() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      IoDriver io = IoDriver.of(rt);
      Oneshot.Channel<String> ch = Oneshot.channel();
      AtomicReference<Throwable> refused = new AtomicReference<>();
      Outside other = Outside.whenSelecting(io, () -> {
        try {
          rt.blockOn(Future.ready("second driver"));
        } catch (Throwable t) {
          refused.set(t);
        }
        ch.sender().send("done");
      });
      assertEquals("done", rt.blockOn(ch.receiver()));
      other.join();
      assertTrue(refused.get() instanceof IllegalStateException, "second driver: " + refused.get());
      assertTrue(refused.get().getMessage().contains("while thread"), refused.get().getMessage());
    }
  }
}
