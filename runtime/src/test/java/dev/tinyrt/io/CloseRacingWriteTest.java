// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tinyrt.Async;
import dev.tinyrt.DeepCheck;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TcpStream.close() on one thread while another thread's writeAll is in progress on the same
 * stream, and a third keeps the stream's registration queued on its driver (a read that waits and
 * is abandoned at once, again and again: what a read under a short timeout does). The writer must
 * get the clear "was closed" SocketException, and no byte it writes may reach another
 * connection. Victim connections, opened and closed all the time by a plain thread, never write:
 * every byte they receive came from a descriptor number that was closed under the writer and
 * reused.
 *
 * <p>On Java 17 the driver cancelled the key of a channel whose close was under way; the next select
 * deregistered it and closed the descriptor at once, under the write: about 3 to 9 rounds in 100
 * got a raw "Bad file descriptor", and in some runs megabytes reached victim connections (found by
 * a hostile campaign; 300 rounds here fail on the old {@code Registration.run}). Java 25's
 * deregistration waits for the write, so there the test passes either way. {@code mvn -B -pl
 * runtime test -Dtest=CloseRacingWriteTest -Dtinyrt.deepCheck.scale=5} runs five times the rounds.
 */
@Timeout(300)
class CloseRacingWriteTest {

  private static final int ROUNDS = DeepCheck.scaled(300);

  @Test
  void aWriteRacingCloseFailsClearlyAndWritesToNoOtherSocket() throws Exception {
    AtomicInteger victimBytes = new AtomicInteger();
    ServerSocket victimServer = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
    // Every thread is joined at the end, so that no socket of this test closes later, under
    // another test's count of open descriptors.
    List<Thread> readers = new CopyOnWriteArrayList<>();
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          Socket a = victimServer.accept();
          Thread r = new Thread(() -> {
            try (a) {
              byte[] buf = new byte[65536];
              int n;
              while ((n = a.getInputStream().read(buf)) > 0) {
                victimBytes.addAndGet(n);
              }
            } catch (IOException e) {
              // reset: fine
            }
          });
          r.setDaemon(true);
          readers.add(r);
          r.start();
        }
      } catch (IOException e) {
        // closed
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    Thread opener = new Thread(() -> {
      while (!victimServer.isClosed()) {
        try (Socket v = new Socket()) {
          v.connect(victimServer.getLocalSocketAddress());
          long until = System.nanoTime() + 200_000; // hold the descriptor a moment
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          int stray = v.getInputStream().available(); // the server side never writes either
          if (stray > 0) {
            victimBytes.addAndGet(stray);
          }
        } catch (IOException e) {
          // ignore
        }
      }
    });
    opener.setDaemon(true);
    opener.start();

    IoDriver io = IoDriver.open();
    Map<String, Integer> outcomes = new TreeMap<>();
    ByteBuffer big = ByteBuffer.allocate(4 << 20); // a heap buffer: the JDK copies it before write(2)
    try {
      for (int round = 0; round < ROUNDS; round++) {
        TcpStream c;
        TcpStream s;
        try (TcpListener l = TcpListener.bind(RuntimeSelectTest.ANY, io)) {
          c = Async.blockOn(TcpStream.connect(l.localAddress(), io));
          s = Async.blockOn(l.accept());
        }
        Thread peer = new Thread(() -> {
          ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
          try {
            while (true) {
              b.clear();
              if (Async.blockOn(s.read(b)) < 0) {
                break;
              }
            }
          } catch (Throwable e) {
            // closed or reset: done
          }
        });
        peer.start();
        CountDownLatch writing = new CountDownLatch(3);
        String[] outcome = new String[1];
        Thread writer = new Thread(() -> {
          try {
            while (true) {
              Async.blockOn(c.writeAll(big.duplicate()));
              writing.countDown();
            }
          } catch (Throwable e) {
            outcome[0] = e instanceof SocketException && e.getMessage().contains("was closed")
                ? "clear 'was closed' SocketException"
                : e.getClass().getName() + ": " + e.getMessage().replaceAll("[0-9./:]+", "#");
          }
        });
        writer.start();
        Thread toucher = new Thread(() -> {
          try {
            while (true) {
              Async.blockOn(Futures.race(c.read(ByteBuffer.allocate(1)), Future.ready(0)));
            }
          } catch (Throwable e) {
            // closed: done
          }
        });
        toucher.start();
        if (!writing.await(30, TimeUnit.SECONDS)) {
          throw new AssertionError("the writer never wrote");
        }
        c.close();
        writer.join(30_000);
        toucher.join(30_000);
        s.close();
        peer.join(30_000);
        outcomes.merge(outcome[0], 1, Integer::sum);
      }
    } finally {
      io.close();
      victimServer.close();
      // Hang guards only: the opener stops at the server's close, the acceptor's accept fails,
      // and each reader sees its peer (the opener's socket, closed) end.
      opener.join(30_000);
      acceptor.join(30_000);
      for (Thread r : readers) {
        r.join(30_000);
      }
    }
    assertEquals("{clear 'was closed' SocketException=" + ROUNDS + "}, 0 stray bytes",
        outcomes + ", " + victimBytes.get() + " stray bytes",
        "on " + Runtime.version());
  }
}
