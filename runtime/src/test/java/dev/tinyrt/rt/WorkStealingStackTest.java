// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A chain of N nested futures is N nested polls: the worker's stack bounds N. The builder's
 * {@code workerStackSize} must reach the worker threads, and the default must hold a deep chain.
 */
@Timeout(60)
class WorkStealingStackTest {

  /** @return a builder of a work-stealing runtime with {@code workers} workers */
  private static AsyncRuntime.Builder workStealing(int workers) {
    return AsyncRuntime.builder().multiThread(workers).workerPool(WorkerPool.WORK_STEALING);
  }

  /** Polls {@code inner} inside its own poll, like an async method awaiting another. */
  private record Nested(Future<Integer> inner) implements Future<Integer> {
    @Override
    public Poll<Integer> poll(Context cx) {
      Poll<Integer> p = inner.poll(cx);
      return p.isReady() ? Poll.ready(p.get() + 1) : Poll.pending();
    }
  }

  private static Future<Integer> chain(int depth) {
    Future<Integer> f = Future.ready(0);
    for (int i = 0; i < depth; i++) {
      f = new Nested(f);
    }
    return f;
  }

  @Test
  void theDefaultStackHoldsADeepChain() throws Exception {
    try (AsyncRuntime rt = workStealing(1).build()) {
      int depth = 100_000;
      assertEquals(depth, rt.spawn(chain(depth)).toCompletableFuture().get(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void aSmallStackGivenToTheBuilderOverflowsOnTheSameChain() {
    try (AsyncRuntime rt =
        workStealing(1).workerStackSize(256 * 1024).build()) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> rt.spawn(chain(100_000)).toCompletableFuture().get(30, TimeUnit.SECONDS));
      assertInstanceOf(StackOverflowError.class, e.getCause());
    }
  }

  @Test
  void aStackTooSmallToBeUsefulIsRefusedWithTheMinimum() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AsyncRuntime.builder().workerStackSize(1024));
    assertEquals("a worker stack of 1024 bytes is too small: give at least 64 KiB", e.getMessage());
  }
}
