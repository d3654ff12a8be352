// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.IoMode;
import dev.tinyrt.rt.JoinHandle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sockets opened without a driver ({@code TcpListener.bind(address)}, {@code
 * TcpStream.connect(address)}, {@code UdpSocket.bind(address)}) are served by the I/O of the
 * runtime the caller runs on: a per-worker runtime's task puts them on its worker's selector, a
 * current-thread runtime's {@code blockOn} on its driving thread's, so no driver thread and no
 * cross-thread wake. Outside every runtime, and on a runtime with {@link IoMode#DRIVER_THREAD},
 * they stay on {@link IoDriver#system()}. Before, every one of them went to the system driver.
 */
@Timeout(60)
class DriverlessSocketsTest {

  /** @return a two-worker runtime whose workers select on their own selectors */
  private static AsyncRuntime perWorker() {
    return AsyncRuntime.builder().multiThread(2).io(IoMode.PER_WORKER).name("driverless").build();
  }

  /** What a task saw: the socket it opened, and its own worker's driver. */
  private record Opened<S>(S socket, IoDriver own) {}

  /** A task's body that opens a socket on the thread that polls it. */
  @FunctionalInterface
  private interface Open<S> {
    S open() throws IOException;
  }

  /** @return a future that opens a socket when polled, with the polling runtime's own driver */
  private static <S> Future<Opened<S>> openInTask(Open<S> open) {
    return cx -> {
      try {
        S socket = open.open();
        return Poll.ready(new Opened<>(socket, IoDriver.of(AsyncRuntime.current())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  @Test
  void aListenerBoundInATaskOfAPerWorkerRuntimeIsOnThatWorkersSelector() throws Exception {
    try (AsyncRuntime rt = perWorker()) {
      Opened<TcpListener> opened = Async.blockOn(rt.spawn(
          openInTask(() -> TcpListener.bind(RuntimeSelectTest.ANY))));
      try (TcpListener listener = opened.socket()) {
        assertTrue(listener.servedBy(opened.own()),
            "TcpListener.bind(address) in a task must use its worker's selector");
        assertFalse(listener.servedBy(IoDriver.system()), "not the system driver's");
        // An accept and a connect, each first polled by a task, go on the workers' selectors too.
        JoinHandle<TcpStream> accepted = rt.spawn(listener.accept());
        JoinHandle<TcpStream> connected = rt.spawn(TcpStream.connect(listener.localAddress()));
        Set<IoDriver> workers = Set.of(IoDriver.of(rt), IoDriver.of(rt));
        try (TcpStream server = Async.blockOn(accepted);
            TcpStream client = Async.blockOn(connected)) {
          assertTrue(workers.stream().anyMatch(client::servedBy),
              "TcpStream.connect(address) polled by a task must use a worker's selector");
          assertFalse(client.servedBy(IoDriver.system()), "not the system driver's");
          assertTrue(workers.stream().anyMatch(server::servedBy), "the accepted stream too");
          // And they work there: a byte each way, the read waiting on a worker's selector.
          JoinHandle<Integer> read = rt.spawn(server.read(ByteBuffer.allocate(1)));
          Async.blockOn(rt.spawn(client.writeAll(ByteBuffer.wrap(new byte[] {42}))));
          assertEquals(1, Async.blockOn(read));
        }
      }
    }
  }

  @Test
  void aUdpSocketBoundInATaskOfAPerWorkerRuntimeIsOnThatWorkersSelector() throws Exception {
    try (AsyncRuntime rt = perWorker()) {
      Opened<UdpSocket> opened = Async.blockOn(rt.spawn(
          openInTask(() -> UdpSocket.bind(RuntimeSelectTest.ANY))));
      try (UdpSocket socket = opened.socket()) {
        assertTrue(socket.servedBy(opened.own()),
            "UdpSocket.bind(address) in a task must use its worker's selector");
        assertFalse(socket.servedBy(IoDriver.system()), "not the system driver's");
      }
    }
  }

  @Test
  void socketsOpenedInAPerWorkerRuntimesBlockOnAreOnAWorkersSelector() throws Exception {
    try (AsyncRuntime rt = perWorker()) {
      Set<IoDriver> workers = Set.of(IoDriver.of(rt), IoDriver.of(rt));
      TcpListener listener = rt.blockOn(cx -> {
        try {
          return Poll.ready(TcpListener.bind(RuntimeSelectTest.ANY));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      try (listener) {
        assertTrue(workers.stream().anyMatch(listener::servedBy),
            "TcpListener.bind(address) in rt.blockOn must use one of rt's workers' selectors");
      }
    }
  }

  @Test
  void socketsOpenedInACurrentThreadRuntimeAreOnItsDrivingThreadsSelector() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      // Bind, connect, accept and echo a byte, all inside blockOn: served with no I/O thread.
      boolean[] served = new boolean[3];
      int echoed = rt.blockOn(new Future<Integer>() {
        private TcpListener listener;
        private Future<TcpStream> connect;
        private TcpStream client;
        private Future<TcpStream> accept;
        private Future<Void> write;
        private TcpStream server;
        private final ByteBuffer in = ByteBuffer.allocate(1);
        private Future<Integer> read;

        @Override
        public Poll<Integer> poll(dev.tinyrt.Context cx) {
          try {
            IoDriver own = IoDriver.of(AsyncRuntime.current());
            if (listener == null) {
              listener = TcpListener.bind(RuntimeSelectTest.ANY);
              served[0] = listener.servedBy(own);
              connect = TcpStream.connect(listener.localAddress());
              accept = listener.accept();
            }
            if (client == null) {
              Poll<TcpStream> c = connect.poll(cx);
              if (c.isPending()) {
                return Poll.pending();
              }
              client = c.get();
              served[1] = client.servedBy(own);
              write = client.writeAll(ByteBuffer.wrap(new byte[] {7}));
            }
            if (server == null) {
              Poll<TcpStream> a = accept.poll(cx);
              if (a.isPending()) {
                return Poll.pending();
              }
              server = a.get();
              served[2] = server.servedBy(own);
              read = server.read(in);
            }
            if (write != null) {
              if (write.poll(cx).isPending()) {
                return Poll.pending();
              }
              write = null;
            }
            if (read.poll(cx).isPending()) {
              return Poll.pending();
            }
            server.close();
            client.close();
            listener.close();
            return Poll.ready((int) in.get(0));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      });
      assertEquals(7, echoed);
      assertTrue(served[0], "TcpListener.bind(address) in blockOn must use the runtime's selector");
      assertTrue(served[1], "TcpStream.connect(address) too");
      assertTrue(served[2], "and the stream it accepted");
    }
  }

  @Test
  void outsideEveryRuntimeTheSystemDriverServesThem() throws Exception {
    try (TcpListener listener = TcpListener.bind(RuntimeSelectTest.ANY);
        UdpSocket udp = UdpSocket.bind(RuntimeSelectTest.ANY);
        SocketChannel peer = SocketChannel.open(listener.localAddress())) {
      assertTrue(listener.servedBy(IoDriver.system()), "the listener");
      assertTrue(udp.servedBy(IoDriver.system()), "the UDP socket");
      // A connect first polled outside a runtime (Async.blockOn is not one) as well.
      try (TcpStream client = Async.blockOn(TcpStream.connect(listener.localAddress()))) {
        assertTrue(client.servedBy(IoDriver.system()), "the connected stream");
      }
    }
  }

  @Test
  void aDriverThreadRuntimesTaskUsesTheSystemDriver() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(2).io(IoMode.DRIVER_THREAD).build()) {
      Opened<TcpListener> opened = Async.blockOn(rt.spawn(
          openInTask(() -> TcpListener.bind(RuntimeSelectTest.ANY))));
      try (TcpListener listener = opened.socket()) {
        assertSame(IoDriver.system(), opened.own(), "IoDriver.of(rt) is the system driver there");
        assertTrue(listener.servedBy(IoDriver.system()));
      }
    }
  }
}
