// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CountingWaker;
import dev.tinyrt.rt.AsyncRuntime;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Test;

/**
 * An operation that registers its wait while its runtime stops (a worker that outlived the
 * runtime's wait for it, say) fails at its await with an exception that says the runtime was shut
 * down: it is woken even though its key was never made, so the selector's close never saw it. The
 * steps of that race are driven by hand on one thread: the stop comes between the operation's
 * look at the driver (still open) and its change reaching the driver.
 */
class StopWhileRegisteringTest {

  /** An accept that never comes: it always waits. */
  private static final class AcceptNothing extends IoOp<Object> {

    /** The listening channel. */
    private final ServerSocketChannel channel;

    AcceptNothing(Registration registration, ServerSocketChannel channel) {
      super(registration, SelectionKey.OP_ACCEPT);
      this.channel = channel;
    }

    @Override
    Object attempt() throws IOException {
      return channel.accept() == null ? WOULD_BLOCK : "accepted";
    }

    @Override
    String what() {
      return "an accept";
    }
  }

  /**
   * {@code real}, except that its first closed-check answers as it did before the stop, and its
   * first submit stops {@code rt} before passing the change on: the stop falls in between.
   */
  private static Reactor stoppingBetween(Reactor real, AsyncRuntime rt) {
    return new Reactor() {
      private boolean looked;
      private boolean stopped;

      @Override
      public void submit(Runnable change) {
        if (!stopped) {
          stopped = true;
          rt.close(); // closes the runtime's selector: no key of this channel is on it yet
        }
        real.submit(change);
      }

      @Override
      public boolean isClosed() {
        if (!looked) {
          looked = true;
          return false; // the operation's look, just before the stop
        }
        return real.isClosed();
      }

      @Override
      public SelectionKey register(SelectableChannel channel, int ops, Registration registration)
          throws IOException {
        return real.register(channel, ops, registration);
      }

      @Override
      public String closedReason() {
        return real.closedReason();
      }
    };
  }

  @Test
  void anOperationRegisteringAsItsRuntimeStopsFailsAtItsAwaitSayingSo() throws Exception {
    AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("stopping").build();
    IoDriver io = IoDriver.of(rt);
    try (ServerSocketChannel channel = ServerSocketChannel.open()) {
      channel.bind(RuntimeSelectTest.ANY);
      Registration registration = new Registration(
          stoppingBetween(io.reactor(), rt), channel, () -> "the listener");
      AcceptNothing accept = new AcceptNothing(registration, channel);
      CountingWaker waker = new CountingWaker();
      assertTrue(accept.poll(waker.context()).isPending(), "it waits: the driver looked open");
      assertTrue(io.isClosed(), "the runtime stopped in between, and its selector with it");
      assertEquals(1, waker.count(),
          "its change reached a closed driver: it must be woken, or it waits forever");
      IOException e = assertThrows(IOException.class, () -> accept.poll(waker.context()));
      assertTrue(e.getMessage().contains("runtime stopping was shut down"), e.getMessage());
      assertTrue(e.getMessage().contains("the listener"), e.getMessage());
    }
  }

  @Test
  void anOperationOnAStoppedRuntimesSocketFailsAtItsAwaitSayingSo() throws Exception {
    AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("stopped").build();
    IoDriver io = IoDriver.of(rt);
    try (TcpListener listener = TcpListener.bind(RuntimeSelectTest.ANY, io)) {
      rt.close();
      CountingWaker waker = new CountingWaker();
      IOException e = assertThrows(IOException.class,
          () -> listener.accept().poll(waker.context()));
      assertTrue(e.getMessage().contains("runtime stopped was shut down"), e.getMessage());
      assertEquals(0, waker.count(), "refused at once, nothing to wake");
    }
  }
}
