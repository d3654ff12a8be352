// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo.diag;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Waker;
import dev.tinyrt.sync.Oneshot;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The chapter's "memory held while waiting" lesson, measured: {@link #example} keeps a 1 KiB
 * buffer alive across its await, {@link #better} keeps only the length it needs. Each runs as
 * 10,000 futures polled once and parked at their await, as a runtime's tasks would be, and the
 * heap they hold is printed ({@code scripts/demo memory}). {@code explain} flags the first: "keeps
 * `buffer` (byte[]) alive while parked at MemoryDemo.java:...".
 */
public final class MemoryDemo {

  /** How many parked futures each variant runs. */
  static final int TASKS = 10_000;

  private MemoryDemo() {}

  /**
   * The mistake: {@code buffer} is read after the await, so the frame keeps all of it.
   *
   * @param io an I/O operation that is not done yet
   * @return the buffer's length
   */
  public static Future<Integer> example(Future<Void> io) {
    byte[] buffer = new byte[1024];
    await(io);
    return Future.ready(buffer.length);
  }

  /**
   * The fix: only the length survives the await, so the buffer is garbage while parked.
   *
   * @param io an I/O operation that is not done yet
   * @return the buffer's length
   */
  public static Future<Integer> better(Future<Void> io) {
    int length;
    {
      byte[] buffer = new byte[1024];
      length = buffer.length;
    }
    await(io);
    return Future.ready(length);
  }

  /**
   * Parks {@link #TASKS} futures of each variant and prints the heap each holds.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    long example = heldPerTask(MemoryDemo::example);
    long better = heldPerTask(MemoryDemo::better);
    System.out.printf("example(): %,d parked tasks hold %,d KiB, %,d bytes each: the 1 KiB buffer "
        + "stays in every frame%n", TASKS, example * TASKS / 1024, example);
    System.out.printf("better():  %,d parked tasks hold %,d KiB, %,d bytes each: only the int "
        + "length stays%n", TASKS, better * TASKS / 1024, better);
    System.out.println("(heap used after a full GC, minus the same with nothing parked; each task "
        + "includes its frame and the oneshot channel it waits on)");
  }

  /** The heap each parked future of {@code variant} holds, in bytes. */
  private static long heldPerTask(Function<Future<Void>, Future<Integer>> variant) {
    Context cx = Context.from(Waker.noop());
    long before = usedAfterGc();
    List<Oneshot.Sender<Void>> senders = new ArrayList<>(TASKS);
    List<Future<Integer>> parked = new ArrayList<>(TASKS);
    for (int i = 0; i < TASKS; i++) {
      Oneshot.Channel<Void> io = Oneshot.channel();
      Future<Integer> task = variant.apply(io.receiver());
      if (task.poll(cx).isReady()) {
        throw new IllegalStateException("the I/O was not sent: the task must park");
      }
      senders.add(io.sender());
      parked.add(task);
    }
    long held = usedAfterGc() - before;
    // Finish them all, so the measurement above is of live, parked tasks.
    for (int i = 0; i < TASKS; i++) {
      senders.get(i).send(null);
      if (parked.get(i).poll(cx).isPending()) {
        throw new IllegalStateException("a woken task did not finish");
      }
    }
    return held / TASKS;
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
