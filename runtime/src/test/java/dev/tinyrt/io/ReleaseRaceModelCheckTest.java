// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.Context;
import dev.tinyrt.Poll;
import dev.tinyrt.io.RegistrationModelCheckTest.ModelKey;
import dev.tinyrt.io.RegistrationModelCheckTest.NoChannel;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores the one race the review suspected in {@link Registration}: a read that stops
 * waiting ({@link Registration#release}, here through a drop) while another task's new read on
 * the same socket, on another thread, starts to wait ({@link Registration#await}). The second read
 * is either refused (the first still owned the reading side: a named misuse) or accepted; if it is
 * accepted, its interest bit must survive the first one's release, or no readiness ever wakes it.
 *
 * <p>Before the fix, release gave up the reading side ({@code reader = null}) and only then cleared
 * {@code OP_READ}: the new read could take the side and set its bit in between, and the release's
 * clear then removed it (and queued the key to forget it). Lincheck finds that interleaving in
 * well under a second; the check below ({@link #nothingLost}) fails on it with "the accepted
 * read's interest was cleared". Now the bit is cleared while the side is still owned, and the side
 * is given up last, by a CAS that a new read must win first.
 */
public class ReleaseRaceModelCheckTest {

  /** The stand-in driver: a change queue and at most one key, drained by the check. */
  static final class QueueReactor implements Reactor {
    /** Changes for the selecting thread. */
    final ConcurrentLinkedQueue<Runnable> changes = new ConcurrentLinkedQueue<>();
    /** The key, once registered. */
    volatile ModelKey key;

    @Override
    public void submit(Runnable change) {
      changes.add(change);
    }

    @Override
    public boolean isClosed() {
      return false;
    }

    @Override
    public SelectionKey register(SelectableChannel channel, int ops, Registration registration) {
      ModelKey k = new ModelKey(channel, ops);
      k.attach(registration);
      key = k;
      return k;
    }
  }

  private final QueueReactor reactor = new QueueReactor();

  private final Registration registration;

  /** The wakes of task B's waker. */
  private final AtomicInteger wakesOfB = new AtomicInteger();

  /** Set when task B's read was accepted and left waiting. */
  private volatile boolean bWaits;

  /** A fresh socket for each scenario Lincheck runs. */
  public ReleaseRaceModelCheckTest() throws IOException {
    registration = new Registration(reactor, new NoChannel(), () -> "the model's socket");
  }

  /** A read of a socket that has nothing to read: it always waits. */
  private IoOp<String> newRead() {
    return new IoOp<>(registration, SelectionKey.OP_READ) {
      @Override
      Object attempt() {
        return WOULD_BLOCK;
      }

      @Override
      String what() {
        return "the model's read";
      }
    };
  }

  /** Task A: its read waits, then is dropped (a timeout elapsed, a select lost). */
  @Operation(nonParallelGroup = "a")
  public void readThenDrop() {
    IoOp<String> read = newRead();
    try {
      read.poll(Context.from(() -> {}));
    } catch (IllegalStateException refused) {
      return; // B waits already: two reads at once are named
    }
    read.drop();
  }

  /** Task B: a new read on the same socket, from another thread, that waits. */
  @Operation(nonParallelGroup = "b")
  public void read() {
    try {
      Poll<String> p = newRead().poll(Context.from(wakesOfB::incrementAndGet));
      bWaits = p.isPending();
    } catch (IllegalStateException refused) {
      // A waits still: two reads at once are named
    }
  }

  /**
   * Once both tasks are done, the selecting thread applies every queued change; if B's read waits,
   * the key must ask for {@code OP_READ}, and readiness must wake B. Otherwise nothing is asked for.
   */
  @Validate
  public void nothingLost() {
    Runnable change;
    while ((change = reactor.changes.poll()) != null) {
      change.run();
    }
    ModelKey k = reactor.key;
    int keyOps = k == null ? 0 : k.interestOps;
    if (!bWaits) {
      if (keyOps != 0) {
        throw new AssertionError("no read waits, yet the key asks for " + keyOps);
      }
      return;
    }
    if ((keyOps & SelectionKey.OP_READ) == 0) {
      throw new AssertionError("the accepted read's interest was cleared by the dropped read's "
          + "release: the key asks for " + keyOps + ", so no readiness will ever wake it");
    }
    k.readyOps = SelectionKey.OP_READ;
    registration.ready(k);
    if (wakesOfB.get() == 0) {
      throw new AssertionError("readiness did not wake the accepted read");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(ReleaseRaceModelCheckTest.class, new ModelCheckingOptions()
        .iterations(1) // one scenario: A's read-then-drop against B's read
        .invocationsPerIteration(100)
        .threads(2)
        .actorsPerThread(1)
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
