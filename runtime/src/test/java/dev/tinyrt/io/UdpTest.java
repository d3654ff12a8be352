// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.net.BindException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** UDP driven by hand: a receive waits, a send wakes it; a dropped receive leaves nothing. */
@Timeout(60)
class UdpTest {

  final IoDriver driver = IoDriver.open();

  @AfterEach
  void stopDriver() {
    driver.close();
  }

  @Test
  void aDatagramWakesTheWaitingReceiveWithItsSender() throws Exception {
    try (UdpSocket a = UdpSocket.bind(TcpTest.ANY, driver);
        UdpSocket b = UdpSocket.bind(TcpTest.ANY, driver)) {
      LatchWaker waker = new LatchWaker();
      ByteBuffer in = ByteBuffer.allocate(32);
      Future<SocketAddress> receive = b.receive(in);
      assertTrue(receive.poll(waker.context()).isPending());
      assertEquals(1, driver.counts().get()[1]);

      assertEquals(4, Async.blockOn(a.send(ByteBuffer.wrap("ping".getBytes(UTF_8)),
          b.localAddress())));
      Poll<SocketAddress> p;
      while ((p = receive.poll(waker.context())).isPending()) {
        waker.awaitWake();
      }
      assertEquals(a.localAddress(), p.get());
      assertEquals("ping", new String(in.array(), 0, in.position(), UTF_8));
      assertEquals(0, driver.counts().get()[1]);

      // A dropped receive leaves no interest; the next datagram waits for the next receive.
      Future<SocketAddress> dropped = b.receive(ByteBuffer.allocate(8));
      LatchWaker other = new LatchWaker();
      assertTrue(dropped.poll(other.context()).isPending());
      ((Droppable) dropped).drop();
      assertEquals(0, driver.counts().get()[1]);
      Async.blockOn(a.send(ByteBuffer.wrap("pong".getBytes(UTF_8)), b.localAddress()));
      ByteBuffer again = ByteBuffer.allocate(8);
      assertEquals(a.localAddress(), Async.blockOn(b.receive(again)));
      assertEquals("pong", new String(again.array(), 0, again.position(), UTF_8));
      assertEquals(0, other.count(), "the dropped receive's waker was let go");
    }
    assertArrayEquals(new int[] {0, 0}, driver.counts().get());
  }

  @Test
  void anAddressInUseNamesTheAddress() throws Exception {
    try (UdpSocket a = UdpSocket.bind(TcpTest.ANY, driver)) {
      BindException e = assertThrows(BindException.class,
          () -> UdpSocket.bind(a.localAddress(), driver));
      assertTrue(e.getMessage().contains(a.localAddress().toString()), e.getMessage());
    }
  }
}
