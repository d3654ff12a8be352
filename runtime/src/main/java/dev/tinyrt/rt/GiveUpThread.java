// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The library's {@code tinyrt-give-up} thread: where a current-thread runtime that a wake found
 * stopped gives up its stranded tasks (abandons their futures, whose finally blocks and drops run,
 * and tells their awaiters), rather than on the thread that woke them: the JVM-wide timer thread,
 * an I/O thread, or a user's thread inside {@code Sender.send}. One daemon thread for the whole
 * JVM, started on the first hand-off and ended after {@link #KEEP_ALIVE_SECONDS} idle, so that
 * nothing lingers in a JVM whose runtimes are all closed.
 */
final class GiveUpThread {

  /** How long the thread waits idle for another give-up before it ends. */
  static final long KEEP_ALIVE_SECONDS = 10;

  /** The executor: one thread at most, jobs in hand-off order, the thread a daemon. */
  static final Executor EXECUTOR = newExecutor();

  private GiveUpThread() {}

  private static Executor newExecutor() {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(
        /* corePoolSize = */ 1, /* maximumPoolSize = */ 1, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), job -> {
          // A plain daemon thread, not a RuntimeThreads.service one: it exists to run user
          // code (finally blocks, drops) off tinyrt's own threads, and that code may block.
          Thread t = new Thread(job, "tinyrt-give-up");
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
