// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.TinyrtLog;
import dev.tinyrt.rt.AsyncRuntime;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * A socket's read and write wait apart; a read whose waker throws (a user's, which must not) once
 * left the write waiting on the same socket unwoken when the driver closed, and threw out of the
 * driver's close. Now the write is woken and the failure logged (found by a hostile round; it
 * failed before).
 */
class ThrowingWakerOnOneSideTest {

  @Test
  void aThrowingReadWakerDoesNotStrandTheWriteOnTheSameSocket() throws Exception {
    AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("sides").build();
    try (TinyrtLog log = new TinyrtLog();
        ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(RuntimeSelectTest.ANY);
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
          SocketChannel accepted = server.accept()) {
        client.configureBlocking(false);
        Registration registration =
            new Registration(IoDriver.of(rt).reactor(), client, () -> "the client");
        Context throwing = Context.from(() -> {
          throw new RejectedExecutionException("the executor behind this waker was shut down");
        });
        CountingWaker writer = new CountingWaker();
        registration.await(SelectionKey.OP_READ, throwing.waker(), "read");
        registration.await(SelectionKey.OP_WRITE, writer, "write");
        registration.driverClosed();
        assertEquals(1, writer.count(), "the write waits on the same socket: it must be woken");
        assertTrue(log.records.stream()
            .anyMatch(r -> r.getThrown() instanceof RejectedExecutionException), "logged");
      }
    } finally {
      rt.close();
    }
  }
}
