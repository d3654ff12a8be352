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

  /**
   * Sends [perProducer] values from each of [producers] coroutines and receives them all.
   *
   * @return the sum of the values received
   */
  @JvmStatic
  fun run(producers: Int, perProducer: Int, capacity: Int, multiThread: Boolean): Long {
    val body: suspend CoroutineScope.() -> Long = {
      val channel = Channel<Int>(capacity)
      repeat(producers) {
        // Values below 128: Integer.valueOf caches them, as in the Java contenders.
        launch { for (i in 0 until perProducer) channel.send(i and 127) }
      }
      var sum = 0L
      repeat(producers * perProducer) { sum += channel.receive() }
      sum
    }
    return if (multiThread) runBlocking(Dispatchers.Default, body) else runBlocking(block = body)
  }
}
