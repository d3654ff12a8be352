// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import dev.tinyrt.internal.CallSite;

/** Builds the error thrown when {@code Async.await} runs in a method that was not rewritten. */
final class AwaitOutsideAsync {

  private AwaitOutsideAsync() {}

  /** Returns the error, naming the method that called {@code await} and where. */
  static IllegalStateException create() {
    String where = CallSite.callerOutside(Async.class, AwaitOutsideAsync.class);
    return new IllegalStateException(
        "Async.await was called in "
            + where
            + ", which was not rewritten into a state machine, so it cannot suspend. "
            + "Run the JVM with -javaagent:"
            + AgentLocator.agentJar()
            + " (or call dev.tinyrt.Async.init() before this class loads, with that jar on the "
            + "class path), and make sure the method returns dev.tinyrt.Future, or "
            + "CompletableFuture or CompletionStage for code written for EA Async (then it starts "
            + "at once and returns a future of its outcome).");
  }
}
