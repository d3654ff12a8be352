// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Not a test (CI does not run it): what a timeout costs on the system timer. Uses the public API
 * only, so the same source measures an older runtime too.
 *
 * <pre>
 * mvn -B -q -o -pl runtime test-compile
 * java -Xmx2g -cp runtime/target/classes:runtime/target/test-classes dev.tinyrt.time.TimeoutCost
 * </pre>
 *
 * <p>It prints, for 1M timeouts of one hour: the ns per {@code timeout(ready future)} polled to
 * its value (best of 5 rounds), the ns per early-finishing timeout (pending at its first poll,
 * ready at its second: its sleep enters and leaves the heap), and the heap bytes still retained
 * per finished timeout after a full GC, with the timer's {@code pending()} count.
 */
public final class TimeoutCost {

  /** Timeouts per round. */
  private static final int N = 1_000_000;

  /** Pending until its value is set. */
  static final class Later implements Future<Integer> {
    Integer value;

    @Override
    public Poll<Integer> poll(Context cx) {
      return value == null ? Poll.pending() : Poll.ready(value);
    }
  }

  private TimeoutCost() {}

  public static void main(String[] args) {
    Timer timer = Timer.system();
    Context cx = Context.from(() -> {});
    Duration hour = Duration.ofHours(1);
    long sink = 0;
    long bestReady = Long.MAX_VALUE;
    long bestEarly = Long.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      // timeout(ready future): the deadline's sleep is never polled, so never enters the heap.
      long t0 = System.nanoTime();
      for (int i = 0; i < N; i++) {
        sink += timer.timeout(Future.ready(i), hour).poll(cx).get();
      }
      bestReady = Math.min(bestReady, System.nanoTime() - t0);
    }
    long before = usedAfterGc();
    for (int round = 0; round < 5; round++) {
      // Early-finishing: pending once (the sleep enters the heap), then ready.
      long t0 = System.nanoTime();
      for (int i = 0; i < N; i++) {
        Later later = new Later();
        Future<Integer> limited = timer.timeout(later, hour);
        limited.poll(cx);
        later.value = i;
        sink += limited.poll(cx).get();
      }
      bestEarly = Math.min(bestEarly, System.nanoTime() - t0);
      if (round == 0) {
        long retained = usedAfterGc() - before;
        System.out.printf("after 1M early-finishing timeouts: pending()=%d, retained %.1f B each%n",
            timer.pending(), (double) retained / N);
      }
    }
    System.out.printf("timeout(ready future): %.1f ns each (best of 5 x 1M)%n",
        (double) bestReady / N);
    System.out.printf("early-finishing timeout: %.1f ns each (best of 5 x 1M; pending() now %d)%n",
        (double) bestEarly / N, timer.pending());
    System.out.println("(checksum " + sink + ")");
  }

  private static long usedAfterGc() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }
}
