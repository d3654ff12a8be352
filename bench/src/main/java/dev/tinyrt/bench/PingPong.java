// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.sync.Mpsc;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;

/**
 * Scenario 2, ping-pong: two tasks pass a message back and forth through two channels. A run
 * repeats exchanges of N messages until it has lasted at least the minimum time (one second;
 * {@code -Dbench.minSeconds}), so a run is long enough to average out a noisy machine; prints one
 * JSON line with messages per second and the messages and seconds of the run.
 *
 * <p>{@code java -javaagent:tinyrt-agent.jar -cp tinyrt-benchmarks.jar dev.tinyrt.bench.PingPong
 * CONTENDER N [WARMUPS]}; contenders: {@code tinyrt-KIND} (see {@link Runtimes}),
 * platform-threads, virtual-threads (the last two over SynchronousQueues), kotlin-single-thread
 * ({@code runBlocking}) and kotlin-default ({@code Dispatchers.Default}), over channels of
 * capacity 1.
 */
public final class PingPong {

  private PingPong() {}

  static Future<Integer> pinger(Mpsc.Sender<Integer> ping, Mpsc.Receiver<Integer> pong, int rounds) {
    int sum = 0;
    for (int i = 0; i < rounds; i++) {
      await(ping.send(i));
      sum += await(pong.recv());
    }
    return Future.ready(sum);
  }

  static Future<Integer> ponger(Mpsc.Receiver<Integer> ping, Mpsc.Sender<Integer> pong, int rounds) {
    for (int i = 0; i < rounds; i++) {
      await(pong.send(await(ping.recv())));
    }
    return Future.ready(rounds);
  }

  /**
   * Runs one measured run after the warm-up exchanges.
   *
   * @param args contender, N messages per exchange, warm-up exchanges
   */
  /** The most messages a warm-up exchange passes. */
  static final int WARMUP_MESSAGES = 500_000;

  public static void main(String[] args) throws Exception {
    String contender = args[0];
    int n = Integer.parseInt(args[1]);
    int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    double minSeconds = Double.parseDouble(System.getProperty("bench.minSeconds", "1"));
    for (int i = 0; i < warmups; i++) {
      run(contender, Math.min(n, WARMUP_MESSAGES));
    }
    long messages = 0;
    double seconds = 0;
    while (seconds < minSeconds) {
      seconds += run(contender, n);
      messages += n;
    }
    Map<String, Double> m = Measure.metrics();
    m.put("messages_per_second", messages / seconds);
    m.put("messages", (double) messages);
    m.put("seconds", seconds);
    Measure.report(m);
  }

  static double run(String contender, int n) throws Exception {
    int rounds = n / 2;
    long t0 = System.nanoTime();
    if (Runtimes.isRuntime(contender)) {
      tinyrt(Runtimes.create(Runtimes.kindOf(contender)), rounds);
    } else {
      switch (contender) {
        case "platform-threads" -> threads(rounds, false);
        case "virtual-threads" -> threads(rounds, true);
        case "kotlin-single-thread" -> KotlinContender.pingPong(rounds, false);
        case "kotlin-default" -> KotlinContender.pingPong(rounds, true);
        default -> throw new IllegalArgumentException("unknown contender " + contender);
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  static void tinyrt(AsyncRuntime rt, int rounds) {
    try (rt) {
      Mpsc.Channel<Integer> ping = Mpsc.bounded(1);
      Mpsc.Channel<Integer> pong = Mpsc.bounded(1);
      Future<Integer> a = rt.spawn(pinger(ping.sender(), pong.receiver(), rounds));
      Future<Integer> b = rt.spawn(ponger(ping.receiver(), pong.sender(), rounds));
      rt.blockOn(Futures.joinAll(a, b));
    }
  }

  static void threads(int rounds, boolean virtual) throws InterruptedException {
    SynchronousQueue<Integer> ping = new SynchronousQueue<>();
    SynchronousQueue<Integer> pong = new SynchronousQueue<>();
    Runnable pinger = () -> {
      try {
        for (int i = 0; i < rounds; i++) {
          ping.put(i);
          pong.take();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    Runnable ponger = () -> {
      try {
        for (int i = 0; i < rounds; i++) {
          pong.put(ping.take());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    Thread a = virtual ? Measure.startVirtual(pinger) : start(pinger);
    Thread b = virtual ? Measure.startVirtual(ponger) : start(ponger);
    a.join();
    b.join();
  }

  private static Thread start(Runnable r) {
    Thread t = new Thread(r);
    t.start();
    return t;
  }
}
