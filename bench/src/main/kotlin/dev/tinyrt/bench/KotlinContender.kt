// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench

import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.yield

/**
 * Kotlin coroutines as a contender: the closest peer by design (the Kotlin compiler turns each
 * suspend lambda into a state machine, as the agent does for an async method). The same
 * scenarios as the Java ones, each as one call that returns raw nanoseconds; the Java scenario
 * classes measure the heap around them and print the JSON line. "Single-thread" is
 * `runBlocking`'s event loop (the peer of tinyrt's current-thread runtime); "default" is
 * `Dispatchers.Default` (one worker per core, the peer of a multi-threaded runtime).
 */
object KotlinContender {

  /** The chapter's prices. */
  private const val SOCKS = 12L
  private const val SHOES = 89L

  /**
   * Parked carts: [n] coroutines on `runBlocking`'s event loop each await a socks price, then a
   * shoes price ([CompletableDeferred]s); one driver thread completes every first price, then
   * every second.
   *
   * @param afterPrices runs once the prices exist (the heap baseline)
   * @param whenParked runs once every cart is suspended on its socks price (the heap reading)
   * @return nanoseconds to launch every cart until all are suspended, and from the first send
   *     until every cart is done
   */
  @JvmStatic
  fun carts(n: Int, afterPrices: Runnable, whenParked: Runnable): LongArray {
    val socks = Array(n) { CompletableDeferred<Long>() }
    val shoes = Array(n) { CompletableDeferred<Long>() }
    afterPrices.run()
    val firstSend = AtomicLong()
    var created = 0L
    val driver = Thread {
      firstSend.set(System.nanoTime())
      for (s in socks) s.complete(SOCKS)
      for (s in shoes) s.complete(SHOES)
    }
    runBlocking {
      val t0 = System.nanoTime()
      for (i in 0 until n) {
        val a = socks[i]
        val b = shoes[i]
        launch {
          if (a.await() + b.await() != SOCKS + SHOES) throw IllegalStateException("wrong total")
        }
      }
      yield() // every cart ran to its first await: all suspended on the socks price
      created = System.nanoTime() - t0
      whenParked.run()
      driver.start()
    } // returns once every child is done
    val done = System.nanoTime()
    driver.join()
    return longArrayOf(created, done - firstSend.get())
  }

  /**
   * Outside wakes: [order].size coroutines each await one [CompletableDeferred]; once all are
   * suspended, this thread (not a worker) completes them one at a time in [order].
   *
   * @param whenParked runs once every coroutine is suspended (the heap reading)
   * @return nanoseconds from the first completion until every coroutine is done
   */
  @JvmStatic
  fun outsideWake(order: IntArray, multiThread: Boolean, whenParked: Runnable): Long {
    val n = order.size
    val values = Array(n) { CompletableDeferred<Int>() }
    val started = CountDownLatch(n)
    val scope = CoroutineScope(if (multiThread) Dispatchers.Default else Dispatchers.Unconfined)
    val jobs = arrayOfNulls<Job>(n)
    if (multiThread) {
      for (i in 0 until n) {
        val v = values[i]
        jobs[i] = scope.launch { started.countDown(); v.await() }
      }
      started.await()
      whenParked.run()
      val t0 = System.nanoTime()
      for (i in order) values[i].complete(i)
      runBlocking { jobs.forEach { it!!.join() } }
      return System.nanoTime() - t0
    }
    // Single thread: the coroutines live on a runBlocking event loop driven by its own thread.
    val t0 = AtomicLong()
    val loop = Thread {
      runBlocking {
        for (i in 0 until n) {
          val v = values[i]
          launch { started.countDown(); v.await() }
        }
      }
    }
    loop.start()
    started.await()
    whenParked.run()
    t0.set(System.nanoTime())
    for (i in order) values[i].complete(i)
    loop.join()
    return System.nanoTime() - t0.get()
  }

  /**
   * Ping-pong: two coroutines pass a message back and forth through two channels of capacity 1,
   * [rounds] times (2 × rounds messages).
   */
  @JvmStatic
  fun pingPong(rounds: Int, multiThread: Boolean): Int {
    val body: suspend CoroutineScope.() -> Int = {
      val ping = Channel<Int>(1)
      val pong = Channel<Int>(1)
      val a = async {
        var sum = 0
        for (i in 0 until rounds) {
          ping.send(i)
          sum += pong.receive()
        }
        sum
      }
      launch { repeat(rounds) { pong.send(ping.receive()) } }
      a.await()
    }
    return if (multiThread) runBlocking(Dispatchers.Default, body) else runBlocking(block = body)
  }

  /**
   * Yield starvation on `Dispatchers.Default`: one coroutine per core loops on [yield]; this
   * thread completes a deferred a suspended coroutine waits on, [samples] times, and records how
   * long each took to run. At the first sample that waits [giveUpNanos], it and the samples left
   * count as starved for that long.
   *
   * @return each sample's latency in nanoseconds
   */
  @JvmStatic
  fun yieldStarvation(samples: Int, yielders: Int, giveUpNanos: Long): LongArray {
    val stop = AtomicBoolean()
    val scope = CoroutineScope(Dispatchers.Default)
    val spinning = CountDownLatch(yielders)
    val spinners = (0 until yielders).map {
      scope.launch {
        spinning.countDown()
        while (!stop.get()) yield()
      }
    }
    spinning.await()
    val latencies = LongArray(samples)
    try {
      for (s in 0 until samples) {
        val sent = CompletableDeferred<Long>()
        val parked = CountDownLatch(1)
        val woken = scope.async {
          parked.countDown()
          // Await first, then read the clock: in `System.nanoTime() - sent.await()` Kotlin reads
          // the clock before the coroutine suspends, which timed nothing (negative medians).
          val at = sent.await()
          System.nanoTime() - at
        }
        val spawned = System.nanoTime()
        if (!parked.await(giveUpNanos, TimeUnit.NANOSECONDS)) {
          latencies.fill(System.nanoTime() - spawned, s) // starved: this sample and the rest
          break
        }
        val at = System.nanoTime()
        sent.complete(at)
        latencies[s] = runBlocking { withTimeoutOrNull(giveUpNanos / 1_000_000) { woken.await() } }
            ?: (System.nanoTime() - at)
        if (latencies[s] >= giveUpNanos) {
          latencies.fill(latencies[s], s)
          break
        }
      }
    } finally {
      stop.set(true)
      runBlocking { spinners.joinAll() }
    }
    return latencies
  }

  /** Spawn and join from inside a coroutine: [k] times `async { 1 }.await()` on one event loop. */
  @JvmStatic
  fun spawnJoinInside(k: Int): Int = runBlocking {
    var sum = 0
    repeat(k) { sum += async { 1 }.await() }
    sum
  }
}
