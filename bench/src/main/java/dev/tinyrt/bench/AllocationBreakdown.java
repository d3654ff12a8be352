// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Waker;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.sync.Mpsc;
import dev.tinyrt.sync.Oneshot;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each byte is: the bytes this thread allocates at each step of a suspend and resume through a
 * oneshot, per ping-pong message and per spawn+join inside a task, counted by the JVM
 * ({@code ThreadMXBean.getCurrentThreadAllocatedBytes}), after a warm-up of the same steps. Exact
 * and independent of the machine's load, unlike times. Objects of a step are kept in arrays so the
 * next step can use them; the JIT's escape analysis may remove some allocations in a tight loop (as
 * in JMH), so the sum can exceed JMH's {@code gc.alloc.rate.norm}.
 *
 * <p>{@code java -javaagent:tinyrt-agent.jar -cp tinyrt-benchmarks.jar
 * dev.tinyrt.bench.AllocationBreakdown step N [WARMUPS]}; prints one JSON line per step's result.
 */
public final class AllocationBreakdown {

  private AllocationBreakdown() {}

  /** The JVM's per-thread allocation counter. */
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Measures every step after the warm-up rounds.
   *
   * @param args ignored contender name, N operations, warm-up rounds
   */
  public static void main(String[] args) {
    int n = Integer.parseInt(args[1]);
    int warmups = Integer.parseInt(args[2]);
    for (int i = 0; i < warmups; i++) {
      measure(n);
    }
    Measure.report(measure(n));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Double> measure(int n) {
    Map<String, Double> m = new LinkedHashMap<>();
    Context cx = Context.from(Waker.noop());
    Oneshot.Channel<Long>[] channels = new Oneshot.Channel[n];
    Future<Long>[] frames = new Future[n];
    Object[] polls = new Object[n];

    // Suspend and resume, step by step.
    long t = THREADS.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < n; i++) {
      channels[i] = Oneshot.channel();
    }
    t = step(m, "oneshot_channel", t, n);
    for (int i = 0; i < n; i++) {
      frames[i] = SuspendResumeBenchmark.plusOne(channels[i].receiver(), 1L);
    }
    t = step(m, "frame", t, n);
    for (int i = 0; i < n; i++) {
      polls[i] = frames[i].poll(cx);
    }
    t = step(m, "poll_pending", t, n);
    for (int i = 0; i < n; i++) {
      channels[i].sender().send(41L);
    }
    t = step(m, "send", t, n);
    for (int i = 0; i < n; i++) {
      polls[i] = frames[i].poll(cx);
    }
    step(m, "poll_ready", t, n);

    // A ping-pong message on the current-thread runtime (everything runs on this thread).
    t = THREADS.getCurrentThreadAllocatedBytes();
    PingPong.tinyrt(AsyncRuntime.currentThread(), n / 2);
    step(m, "ping_pong_message", t, n);

    // Spawn+join inside a task on the current-thread runtime.
    AsyncRuntime rt = AsyncRuntime.currentThread();
    t = THREADS.getCurrentThreadAllocatedBytes();
    rt.blockOn(rt.spawn(SpawnJoinBenchmark.spawnAndJoin(n)));
    step(m, "spawn_join_inside", t, n);
    rt.close();

    // The pieces of a ping-pong message: one bounded(1) send and one recv, polled by hand.
    Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
    t = THREADS.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < n; i++) {
      Future<Void> send = ch.sender().send(i & 127);
      send.poll(cx);
      Future<Integer> recv = ch.receiver().recv();
      polls[i % 1024] = recv.poll(cx);
    }
    step(m, "mpsc_send_and_recv_by_hand", t, n);
    return m;
  }

  private static long step(Map<String, Double> m, String name, long before, int n) {
    long now = THREADS.getCurrentThreadAllocatedBytes();
    m.put(name, (double) (now - before) / n);
    return THREADS.getCurrentThreadAllocatedBytes();
  }
}
