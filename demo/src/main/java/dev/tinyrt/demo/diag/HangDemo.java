// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo.diag;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.sync.Mutex;
import dev.tinyrt.sync.Oneshot;
import dev.tinyrt.time.Elapsed;
import dev.tinyrt.time.Timer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import javax.management.ObjectName;

/**
 * The chapter's "something hangs" lesson ({@code scripts/demo hang}): two tasks that never finish,
 * and nothing says why, until the task dump names the line each one is parked at.
 *
 * <ul>
 *   <li>{@link #example}'s {@code order} awaits a reply whose sender is kept but never sends (the
 *       reply is forgotten on one path);
 *   <li>its {@code audit} waits for a {@link Mutex} that {@code order} holds while it is parked;
 *   <li>its {@code quote} is a hand-written future that returns pending without keeping its waker:
 *       nothing can ever wake it ({@code -Dtinyrt.lostWakers=true} reports it).
 * </ul>
 *
 * The dump is taken the way a tool outside the process takes it: the {@code dump} operation of
 * the runtime's MBean ({@code -Dtinyrt.jmx=true}), read from the platform MBean server; JConsole
 * or VisualVM attached to the process show the same. {@link #better} replies on every path and
 * releases the lock before awaiting, and finishes.
 */
public final class HangDemo {

  private HangDemo() {}

  /**
   * Places an order: takes the ledger, asks for a price and records it.
   *
   * @param ledger the ledger, held while the order is recorded
   * @param reply the price's reply
   * @return the recorded price
   */
  static Future<Long> order(Mutex<Long> ledger, Oneshot.Receiver<Long> reply) {
    try (Mutex.Guard<Long> entry = await(ledger.lock())) {
      long price = await(reply); // hang: the reply never comes, and the ledger stays locked
      entry.set(entry.get() + price);
      return Future.ready(price);
    }
  }

  /**
   * Reads the ledger.
   *
   * @param ledger the ledger
   * @return its total
   */
  static Future<Long> audit(Mutex<Long> ledger) {
    try (Mutex.Guard<Long> entry = await(ledger.lock())) { // hang: order holds the lock
      return Future.ready(entry.get());
    }
  }

  /**
   * A quote that is never ready: a hand-written future that forgets {@code cx.waker()}, so nothing
   * can wake its task, whatever happens later.
   */
  static final class Quote implements Future<Long> {
    @Override
    public Poll<Long> poll(Context cx) {
      return Poll.pending(); // lost waker: it should keep cx.waker() where the quote arrives
    }

    @Override
    public String toString() {
      return "Quote (a hand-written future)";
    }
  }

  /** The fix: wait for the price first, then take the ledger only to record it. */
  static Future<Long> betterOrder(Mutex<Long> ledger, Oneshot.Receiver<Long> reply) {
    long price = await(reply);
    try (Mutex.Guard<Long> entry = await(ledger.lock())) {
      entry.set(entry.get() + price);
      return Future.ready(price);
    }
  }

  /**
   * The mistake: the sender is kept (so the receiver is never told it closed) and never sends.
   *
   * @param rt the runtime
   * @param reply the price's reply, whose sender the caller keeps
   * @return the three hung tasks' futures
   */
  static List<Future<Long>> example(AsyncRuntime rt, Oneshot.Channel<Long> reply) {
    Mutex<Long> ledger = new Mutex<>(0L);
    return List.of(rt.spawn(order(ledger, reply.receiver())), rt.spawn(audit(ledger)),
        rt.spawn(new Quote()));
  }

  /**
   * The fix: the reply is sent, and the ledger is not held while waiting for it.
   *
   * @param rt the runtime
   * @return the two tasks' futures
   */
  static List<Future<Long>> better(AsyncRuntime rt) {
    Mutex<Long> ledger = new Mutex<>(0L);
    Oneshot.Channel<Long> reply = Oneshot.channel();
    List<Future<Long>> tasks =
        List.of(rt.spawn(betterOrder(ledger, reply.receiver())), rt.spawn(audit(ledger)));
    reply.sender().send(42L);
    return tasks;
  }

  /**
   * Runs {@link #example} until it stalls, prints the dump read through JMX, then runs {@link
   * #better} to the end.
   *
   * @param args unused
   * @throws Exception if JMX fails
   */
  public static void main(String[] args) throws Exception {
    Oneshot.Channel<Long> reply = Oneshot.channel(); // the sender is kept, and never sends
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("hang-demo").build()) {
      List<Future<Long>> hung = example(rt, reply);
      try {
        // 1.5 s: with -Dtinyrt.lostWakers, a quiet second after the last poll makes the
        // detector collect, and it reports the task whose waker is lost (as a warning).
        rt.blockOn(Timer.system().timeout(Futures.joinAll(hung), Duration.ofMillis(1_500)));
        System.out.println("example(): finished, which it should not have");
      } catch (Elapsed e) {
        System.out.println("example(): after 1.5 s no task has finished, and nothing says "
            + "why. The task dump, read as a tool outside the process reads it (JMX):");
      }
      ObjectName name = new ObjectName("dev.tinyrt:type=Runtime,name=\"hang-demo\"");
      System.out.print(ManagementFactory.getPlatformMBeanServer().invoke(name, "dump", null, null));
      rt.shutdown(Duration.ZERO);
    }
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("hang-fixed").build()) {
      List<Long> done = rt.blockOn(Futures.joinAll(better(rt)));
      System.out.println("better(): both tasks finished: order " + done.get(0) + ", audit "
          + done.get(1) + " (0 or 42: whichever took the ledger first)");
    }
    reply.sender().close();
  }
}
