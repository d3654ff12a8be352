// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * A floor for the 1M carts without any runtime: the memory traffic any implementation of the
 * scenario does, and nothing else. Objects laid out as {@link CartProbe} lays out tinyrt's (per
 * cart: two 32-byte cells, each followed by a 16-byte sender; then, per cart, a 32-byte frame
 * and a 32-byte task), made old by a full collection. Then one driver thread stores every socks
 * price into its cell, then every shoes price, as {@code Oneshot.Sender.send} does; one consumer
 * thread follows it in cart order, spinning until the cell it needs is filled (no queue, no
 * wake-up, no poll, no park): it takes the socks price (a compare-and-set of the cell to itself),
 * stores its task into the shoes cell if that price has not come (a waker's store), and once the
 * shoes price is there stores the total into the task (the outcome's store). Every store a parked
 * cart's round makes into an old object, on the threads that make it, and no other work.
 *
 * <p>{@code java -Xmx6g -XX:+UseG1GC [-Dfloor.alloc=true] -cp tinyrt-benchmarks.jar
 * dev.tinyrt.bench.CartFloorProbe N WARMUPS ROUNDS}: prints, per measured round, milliseconds from
 * the first store to the last total and each thread's CPU. With {@code floor.alloc} the consumer
 * also allocates an array of 16 to 40 bytes per cart (24 on average, what tinyrt's runtime thread
 * allocates per cart in the window: {@link CartProbe} prints it), to see what allocating in the
 * window costs by itself.
 */
public final class CartFloorProbe {

  private CartFloorProbe() {}

  /** A channel's cell: 12-byte header and five references, 32 bytes like a Oneshot receiver. */
  static final class Cell {
    volatile Object slot;
    Object a;
    Object b;
    Object c;
    Object d;
  }

  /** A sender: 16 bytes, pointing at its cell. */
  static final class Sender {
    final Cell cell;

    Sender(Cell cell) {
      this.cell = cell;
    }
  }

  /** A cart's frame: 32 bytes (state, a long, two references), like the rewritten cartTotal's. */
  static final class Frame {
    int state;
    long j0;
    Object l0;
    Object l1;
  }

  /** A task: 32 bytes, holding its frame, then its outcome. */
  static final class Task {
    volatile int state;
    Object frameThenOutcome;
    Object a;
    Object b;
    Object c;

    Task(Frame frame) {
      frameThenOutcome = frame;
    }
  }

  private static final VarHandle SLOT;

  /** Whether the consumer allocates per cart (see the class comment). */
  static final boolean ALLOC = Boolean.getBoolean("floor.alloc");

  /** Where the consumer's allocations go, so that they are not removed. */
  static volatile Object sink;

  static {
    try {
      SLOT = MethodHandles.lookup().findVarHandle(Cell.class, "slot", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int warmups = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    for (int i = 0; i < warmups; i++) {
      round(n, false);
    }
    for (int i = 0; i < rounds; i++) {
      round(n, true);
    }
  }

  private static void round(int n, boolean print) throws InterruptedException {
    Sender[] socks = new Sender[n];
    Sender[] shoes = new Sender[n];
    Cell[] socksRx = new Cell[n];
    Cell[] shoesRx = new Cell[n];
    for (int i = 0; i < n; i++) {
      socksRx[i] = new Cell();
      socks[i] = new Sender(socksRx[i]);
      shoesRx[i] = new Cell();
      shoes[i] = new Sender(shoesRx[i]);
    }
    Task[] tasks = new Task[n];
    for (int i = 0; i < n; i++) {
      tasks[i] = new Task(new Frame());
    }
    Measure.heapAfterGc();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] driverCpu = new long[1];
    long[] start = new long[1];
    Thread driver = new Thread(() -> {
      long cpu = threads.getCurrentThreadCpuTime();
      start[0] = System.nanoTime();
      for (int i = 0; i < n; i++) {
        send(socks[i].cell, CartScenario.SOCKS);
      }
      for (int i = 0; i < n; i++) {
        send(shoes[i].cell, CartScenario.SHOES);
      }
      driverCpu[0] = threads.getCurrentThreadCpuTime() - cpu;
    });
    long cpu = threads.getCurrentThreadCpuTime();
    driver.start();
    long sum = 0;
    for (int i = 0; i < n; i++) {
      Cell s = socksRx[i];
      Object v;
      while (!((v = SLOT.getAcquire(s)) instanceof Long)) {
        Thread.onSpinWait();
      }
      SLOT.compareAndSet(s, v, s); // took the value: the cell itself, as Oneshot does
      Cell h = shoesRx[i];
      SLOT.compareAndSet(h, null, tasks[i]); // parks: the waker's store, if the price has not come
    }
    for (int i = 0; i < n; i++) {
      Cell h = shoesRx[i];
      Object v;
      while (!((v = SLOT.getAcquire(h)) instanceof Long)) {
        Thread.onSpinWait();
      }
      SLOT.compareAndSet(h, v, h);
      long total = CartScenario.SOCKS + (Long) v;
      if (ALLOC) {
        sink = new long[1 + (i & 3)];
      }
      tasks[i].frameThenOutcome = total; // Long 101: the cache, as the cart's outcome
      sum += total;
    }
    long done = System.nanoTime();
    cpu = threads.getCurrentThreadCpuTime() - cpu;
    driver.join();
    if (sum != (long) n * (CartScenario.SOCKS + CartScenario.SHOES)) {
      throw new IllegalStateException("wrong total " + sum);
    }
    if (print) {
      System.out.printf(Locale.ROOT, "first store to last total %.1f ms; driver cpu %.1f,"
          + " consumer cpu %.1f%n", (done - start[0]) / 1e6, driverCpu[0] / 1e6, cpu / 1e6);
    }
  }

  /** A send: the value replaces the waker (or nothing) in the cell. */
  private static void send(Cell cell, long price) {
    Object s;
    do {
      s = SLOT.getVolatile(cell);
    } while (!SLOT.compareAndSet(cell, s, (Object) price));
  }
}
