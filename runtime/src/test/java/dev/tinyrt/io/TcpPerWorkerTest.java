// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.IoMode;

/**
 * Every {@link TcpTest} again, its sockets on the selector of the one worker of a multi-threaded
 * runtime built with {@link IoMode#PER_WORKER}: that worker, asleep, selects for them in its park
 * (no I/O driver thread). One worker, so that every socket the test opens (from its own thread,
 * where a driver is chosen round robin) lands on the selector whose keys it counts.
 */
class TcpPerWorkerTest extends TcpTest {

  /** The runtime whose worker selects; assigned by {@link #openDriver()} while constructing. */
  private AsyncRuntime runtime;

  @Override
  IoDriver openDriver() {
    runtime = AsyncRuntime.builder().multiThread(1).io(IoMode.PER_WORKER).name("tcp-per-worker")
        .build();
    return IoDriver.of(runtime);
  }

  @Override
  void closeDriver() {
    runtime.close();
  }
}
