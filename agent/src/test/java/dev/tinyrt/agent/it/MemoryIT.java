// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import static dev.tinyrt.Async.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Waker;
import dev.tinyrt.sync.Oneshot;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Only live values are stored: a parked frame does not keep a buffer that is dead at its await,
 * and does keep one that is used after it.
 */
class MemoryIT {

  static final int FRAMES = 400;
  static final int MIB = 1 << 20;

  static Future<Integer> deadAtTheAwait(Future<Integer> x) {
    byte[] buffer = new byte[MIB];
    int checksum = buffer.length + buffer[MIB - 1];
    int v = await(x);
    return Future.ready(checksum + v);
  }

  static Future<Integer> liveAfterTheAwait(Future<Integer> x) {
    byte[] buffer = new byte[MIB];
    int v = await(x);
    return Future.ready(buffer.length + v);
  }

  interface AsyncMethod {
    Future<Integer> call(Future<Integer> x);
  }

  /** Parks {@link #FRAMES} frames of {@code method} and returns the heap they hold, in bytes. */
  static long heapHeldByParkedFrames(AsyncMethod method) {
    Context cx = Context.from(Waker.noop());
    List<Oneshot.Sender<Integer>> senders = new ArrayList<>();
    List<Future<Integer>> parked = new ArrayList<>();
    long before = usedHeapAfterGc();
    for (int i = 0; i < FRAMES; i++) {
      Oneshot.Channel<Integer> ch = Oneshot.channel();
      senders.add(ch.sender());
      Future<Integer> frame = method.call(ch.receiver());
      if (!frame.poll(cx).isPending()) {
        throw new AssertionError("the frame should park");
      }
      parked.add(frame);
    }
    long held = usedHeapAfterGc() - before;
    // Finish them, so the frames were really alive until here.
    for (int i = 0; i < FRAMES; i++) {
      senders.get(i).send(1);
      if (!parked.get(i).poll(cx).isReady()) {
        throw new AssertionError("the frame should finish");
      }
    }
    return held;
  }

  static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void aBufferDeadAtTheAwaitIsNotKeptByParkedFrames() {
    long held = heapHeldByParkedFrames(MemoryIT::deadAtTheAwait);
    assertTrue(held < 40L * MIB, "400 parked frames hold " + held / MIB + " MiB");
  }

  @Test
  void aBufferLiveAfterTheAwaitIsKeptByParkedFrames() {
    long held = heapHeldByParkedFrames(MemoryIT::liveAfterTheAwait);
    assertTrue(held >= (long) FRAMES * MIB * 9 / 10, "400 parked frames hold " + held / MIB + " MiB");
  }
}
