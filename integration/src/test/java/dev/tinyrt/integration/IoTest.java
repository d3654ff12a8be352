// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.integration;

import static dev.tinyrt.Async.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.CancelledException;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.io.IoDriver;
import dev.tinyrt.io.LineReader;
import dev.tinyrt.io.TcpListener;
import dev.tinyrt.io.TcpStream;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.sync.Oneshot;
import dev.tinyrt.time.Elapsed;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sockets awaited by async methods under the agent, on both runtimes: an echo server with a task
 * per connection, many clients at once, and every way an await on a socket is abandoned (a
 * timeout, a lost select, an abort), each checked to leave no key, no interest and no descriptor.
 */
@Timeout(60)
class IoTest {

  /** Any free port on loopback. */
  static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  final IoDriver driver = IoDriver.open();

  final List<String> log = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stopDriver() {
    driver.close();
  }

  static final List<Supplier<AsyncRuntime>> RUNTIMES = List.of(
      AsyncRuntime::currentThread, () -> AsyncRuntime.builder().multiThread(2).build());

  IoDriver.KeyCount keys() throws Exception {
    return driver.keyCount().get();
  }

  static ByteBuffer line(String s) {
    return ByteBuffer.wrap((s + "\n").getBytes(UTF_8));
  }

  // The async methods under test.

  /** Accepts {@code connections} clients and serves each in its own task. */
  static Future<Void> echoServer(TcpListener listener, int connections) throws IOException {
    for (int i = 0; i < connections; i++) {
      TcpStream client = await(listener.accept());
      Tasks.spawn(echo(client));
    }
    return Future.ready(null);
  }

  /** Sends back every line until the client ends its stream. */
  static Future<Void> echo(TcpStream stream) throws IOException {
    try (stream) {
      LineReader lines = new LineReader(stream);
      String line;
      while ((line = await(lines.readLine())) != null) {
        await(stream.writeAll(line("echo " + line)));
      }
    }
    return Future.ready(null);
  }

  /** Connects, sends {@code rounds} lines, and returns the last reply. */
  static Future<String> client(SocketAddress server, IoDriver driver, String name, int rounds)
      throws IOException {
    TcpStream stream = await(TcpStream.connect(server, driver));
    try (stream) {
      LineReader lines = new LineReader(stream);
      String reply = null;
      for (int i = 0; i < rounds; i++) {
        await(stream.writeAll(line(name + " " + i)));
        reply = await(lines.readLine());
      }
      stream.shutdownOutput();
      if (await(lines.readLine()) != null) {
        throw new AssertionError("the server sent more than it was asked for");
      }
      return Future.ready(reply);
    }
  }

  static Future<List<String>> clients(SocketAddress server, IoDriver driver, int count) {
    List<Future<String>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      all.add(Tasks.spawn(clientOrFail(server, driver, "c" + i)));
    }
    return Future.ready(await(Futures.joinAll(all)));
  }

  static Future<String> clientOrFail(SocketAddress server, IoDriver driver, String name) {
    try {
      return Future.ready(await(client(server, driver, name, 3)));
    } catch (IOException e) {
      throw new AssertionError(name + " failed", e);
    }
  }

  // The tests.

  @Test
  void manyClientsEchoAtOnceOnBothRuntimesAndLeaveNothingBehind() throws Exception {
    manyClients(RUNTIMES.get(0), 5); // warm up: classes loaded, JVM-internal descriptors opened
    long before = descriptors();
    for (Supplier<AsyncRuntime> runtime : RUNTIMES) {
      List<String> replies = manyClients(runtime, 100);
      assertEquals(100, replies.size());
      for (int i = 0; i < 100; i++) {
        assertEquals("echo c" + i + " 2", replies.get(i));
      }
    }
    assertEquals(new IoDriver.KeyCount(0, 0), keys());
    // 2 x 100 connections (and 2 listeners) leaked would show 400 descriptors; the tolerance is
    // for descriptors the JVM opens by itself meanwhile (a jar, a class file, a log).
    long after = descriptors();
    assertTrue(after - before < 10, "descriptors before " + before + ", after " + after);
  }

  private List<String> manyClients(Supplier<AsyncRuntime> runtime, int count) throws Exception {
    try (AsyncRuntime rt = runtime.get(); TcpListener listener = TcpListener.bind(ANY, driver)) {
      JoinHandle<Void> server = rt.spawn(echoServer(listener, count));
      List<String> replies = rt.blockOn(clients(listener.localAddress(), driver, count));
      rt.blockOn(server);
      return replies;
    }
  }

  /** Sends one byte and waits for it back, {@code rounds} times: each round waits on a read. */
  static Future<Integer> pingPong(TcpStream stream, int rounds) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    for (int i = 0; i < rounds; i++) {
      await(stream.writeAll(one.clear().put((byte) i).flip()));
      await(stream.readExact(one.clear()));
      if (one.get(0) != (byte) i) {
        throw new AssertionError("round " + i + " got " + one.get(0));
      }
    }
    stream.shutdownOutput();
    return Future.ready(rounds);
  }

  /** Echoes raw bytes until the end of the stream. */
  static Future<Long> rawEcho(TcpStream stream) throws IOException {
    long total = 0;
    try (stream) {
      ByteBuffer buffer = ByteBuffer.allocate(64);
      int n;
      while ((n = await(stream.read(buffer.clear()))) >= 0) {
        total += n;
        await(stream.writeAll(buffer.flip()));
      }
    }
    return Future.ready(total);
  }

  @Test
  void thousandsOfRoundTripsNeverLoseAWakeOnEitherRuntime() throws Exception {
    // Every round parks both ends on a read that the other thread's write must wake: a lost wake
    // between "would block" and the key's new interest hangs here (and fails by the timeout).
    for (Supplier<AsyncRuntime> runtime : RUNTIMES) {
      try (AsyncRuntime rt = runtime.get(); TcpListener listener = TcpListener.bind(ANY, driver);
          TcpStream client = rt.blockOn(TcpStream.connect(listener.localAddress(), driver))) {
        JoinHandle<Long> echo = rt.spawn(rawEcho(rt.blockOn(listener.accept())));
        assertEquals(3000, rt.blockOn(pingPong(client, 3000)));
        assertEquals(3000L, rt.blockOn(echo));
      }
    }
    assertEquals(new IoDriver.KeyCount(0, 0), keys());
  }

  @Test
  void aCurrentThreadRuntimeServesEchoOnItsOwnThreadWithNoIoThread() throws Exception {
    Set<String> before = ioThreads();
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      IoDriver own = IoDriver.of(rt); // selected by the thread that drives rt, when it is idle
      try (TcpListener listener = TcpListener.bind(ANY, own)) {
        JoinHandle<Void> server = rt.spawn(echoServer(listener, 100));
        List<String> replies = rt.blockOn(clients(listener.localAddress(), own, 100));
        rt.blockOn(server);
        for (int i = 0; i < 100; i++) {
          assertEquals("echo c" + i + " 2", replies.get(i));
        }
      }
      try (TcpListener listener = TcpListener.bind(ANY, own);
          TcpStream client = rt.blockOn(TcpStream.connect(listener.localAddress(), own))) {
        JoinHandle<Long> echo = rt.spawn(rawEcho(rt.blockOn(listener.accept())));
        assertEquals(3000, rt.blockOn(pingPong(client, 3000)));
        assertEquals(3000L, rt.blockOn(echo));
      }
      assertEquals(new IoDriver.KeyCount(0, 0), rt.blockOn(countKeys(own)));
    }
    assertEquals(before, ioThreads(), "no I/O driver thread was started");
  }

  /** Awaits the driver's key count: on a runtime's own driver, its thread counts them. */
  static Future<IoDriver.KeyCount> countKeys(IoDriver driver) {
    return Future.ready(Async.await(driver.keyCount()));
  }

  /** @return the names of the live threads that look like an I/O driver's */
  static Set<String> ioThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.startsWith("tinyrt-io"))
        .collect(Collectors.toSet());
  }

  /** Awaits {@code future} in a try whose finally is logged. */
  static <T> Future<T> logged(Future<T> future, List<String> log) {
    try {
      return Future.ready(await(future));
    } finally {
      log.add("finally");
    }
  }

  @Test
  void anAcceptUnderATimeoutIsAbandonedWithNoInterestLeft() throws Exception {
    for (Supplier<AsyncRuntime> runtime : RUNTIMES) {
      log.clear();
      try (AsyncRuntime rt = runtime.get(); TcpListener listener = TcpListener.bind(ANY, driver)) {
        assertThrows(Elapsed.class, () -> rt.blockOn(
            rt.timer().timeout(logged(listener.accept(), log), Duration.ofMillis(20))));
        assertEquals(List.of("finally"), log);
        assertEquals(new IoDriver.KeyCount(1, 0), keys(), "the key stays, with no interest");
      }
      assertEquals(new IoDriver.KeyCount(0, 0), keys(), "closing the listener removed its key");
    }
  }

  @Test
  void aReadThatLosesASelectIsAbandonedWithNoInterestLeft() throws Exception {
    for (Supplier<AsyncRuntime> runtime : RUNTIMES) {
      try (AsyncRuntime rt = runtime.get(); TcpListener listener = TcpListener.bind(ANY, driver);
          TcpStream client = rt.blockOn(TcpStream.connect(listener.localAddress(), driver));
          TcpStream server = rt.blockOn(listener.accept())) {
        Oneshot.Channel<String> stop = Oneshot.channel();
        JoinHandle<Futures.Selected<Object>> selecting = rt.spawn(Futures.select(
            List.of(server.read(ByteBuffer.allocate(16)), stop.receiver())));
        // Once the read waits, the stop wins.
        // The driver answers after the read's interest was applied; each round lets the
        // runtime poll the select once more (bounded by the test's timeout).
        while (keys().interested() == 0) {
          rt.blockOn(Tasks.yieldNow());
        }
        stop.sender().send("stop");
        assertEquals(1, rt.blockOn(selecting).index());
        assertEquals(0, keys().interested(), "the losing read left its interest");
        // Bytes sent now are still there for the next read: the abandoned one took none.
        rt.blockOn(client.writeAll(line("kept")));
        assertEquals("kept", rt.blockOn(new LineReader(server).readLine()));
      }
      assertEquals(new IoDriver.KeyCount(0, 0), keys());
    }
  }

  /** Signals that it is about to read, reads, and closes the stream in its finally. */
  static Future<Integer> readsUntilAborted(
      TcpStream stream, Oneshot.Sender<String> started, List<String> log) throws IOException {
    try {
      started.send("reading");
      return Future.ready(await(stream.read(ByteBuffer.allocate(16))));
    } finally {
      stream.close();
      log.add("finally closed the stream");
    }
  }

  @Test
  void abortingATaskBlockedInAReadRunsItsFinallyAndLeavesNoKeyNorDescriptor() throws Exception {
    abortBlockedRead(RUNTIMES.get(0)); // warm up
    long before = descriptors();
    for (int i = 0; i < 5; i++) {
      for (Supplier<AsyncRuntime> runtime : RUNTIMES) {
        abortBlockedRead(runtime);
      }
    }
    long after = descriptors();
    // 10 rounds of 3 sockets leaked would show 30; the tolerance is for the JVM's own.
    assertTrue(after - before < 5, "descriptors before " + before + ", after " + after);
  }

  private void abortBlockedRead(Supplier<AsyncRuntime> runtime) throws Exception {
    log.clear();
    try (AsyncRuntime rt = runtime.get(); TcpListener listener = TcpListener.bind(ANY, driver);
        TcpStream client = rt.blockOn(TcpStream.connect(listener.localAddress(), driver))) {
      TcpStream server = rt.blockOn(listener.accept());
      Oneshot.Channel<String> started = Oneshot.channel();
      JoinHandle<Integer> task = rt.spawn(readsUntilAborted(server, started.sender(), log));
      assertEquals("reading", rt.blockOn(started.receiver()));
      task.abort();
      assertThrows(CancelledException.class, () -> rt.blockOn(task));
      assertEquals(List.of("finally closed the stream"), log);
      IoDriver.KeyCount left = keys();
      assertEquals(0, left.interested(), "the aborted read left its interest");
      assertTrue(left.registered() <= 2, "the server's key is gone: " + left);
    }
    assertEquals(new IoDriver.KeyCount(0, 0), keys());
  }

  @Test
  void aRefusedConnectionIsAClearErrorAtTheAwait() throws Exception {
    InetSocketAddress nobody;
    try (TcpListener listener = TcpListener.bind(ANY, driver)) {
      nobody = listener.localAddress();
    }
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      java.net.ConnectException e = assertThrows(java.net.ConnectException.class,
          () -> rt.blockOn(client(nobody, driver, "refused", 1)));
      assertTrue(e.getMessage().contains(nobody.toString()), e.getMessage());
    }
  }

  /** The open descriptors of this process: {@code /proc/self/fd} entries (Linux). */
  static long descriptors() {
    String[] names = new File("/proc/self/fd").list();
    if (names != null) {
      return names.length;
    }
    return ((com.sun.management.UnixOperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getOpenFileDescriptorCount();
  }

  @Test
  void blockOnOutsideARuntimeDrivesASocketToo() throws Exception {
    try (TcpListener listener = TcpListener.bind(ANY, driver);
        AsyncRuntime rt = AsyncRuntime.currentThread()) {
      JoinHandle<Void> server = rt.spawn(echoServer(listener, 1));
      // The client runs on its own thread under Async.blockOn, the server on the runtime.
      java.util.concurrent.CompletableFuture<String> reply =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> Async.blockOn(clientOrFail(listener.localAddress(), driver, "solo")));
      // A current-thread runtime runs its tasks only while it is driven: drive it until the reply.
      assertEquals("echo solo 2", rt.blockOn(Futures.fromStage(reply)));
      assertTrue(server.isFinished());
    }
  }
}
