// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

/**
 * Kotlin coroutines in [FanIn]: [producers] coroutines send into one `Channel(capacity)` that
 * one coroutine receives from, on `runBlocking`'s event loop ("single-thread") or on
 * `Dispatchers.Default` ("default").
 */
object FanInKotlin {

  /** The start of each producer's work. */
  const val SEED = -0x61c8864680b583ebL

  /** Where the producers leave their work, so the JIT keeps it. */
  @JvmStatic @Volatile var sink = 0L

  /**
   * A producer's work before each message, the same for every contender ([FanIn] calls it too):
   * [steps] xorshift steps (about a nanosecond each), so that producers slower than the consumer
   * can be measured: then the consumer waits, and each send hands its value to it.
   */
  @JvmStatic
  fun work(x0: Long, steps: Int): Long {
    var x = x0
    for (i in 0 until steps) {
      x = x xor (x shl 13)
      x = x xor (x ushr 7)
      x = x xor (x shl 17)
    }
    return x
  }

  /**
   * Sends [perProducer] values from each of [producers] coroutines, [work] steps of
   * [work] before each, and receives them all.
   *
   * @return the sum of the values received
   */
  @JvmStatic
  fun run(producers: Int, perProducer: Int, capacity: Int, work: Int, multiThread: Boolean): Long {
    val body: suspend CoroutineScope.() -> Long = {
      val channel = Channel<Int>(capacity)
      repeat(producers) {
        // Values below 128: Integer.valueOf caches them, as in the Java contenders.
        launch {
          var x = SEED
          for (i in 0 until perProducer) {
            x = work(x, work)
            channel.send(i and 127)
          }
          sink = x
        }
      }
      var sum = 0L
      repeat(producers * perProducer) { sum += channel.receive() }
      sum
    }
    return if (multiThread) runBlocking(Dispatchers.Default, body) else runBlocking(block = body)
  }
}
