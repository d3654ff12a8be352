// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import java.util.Optional;

/** Builds the error thrown when {@code Async.await} runs in a method that was not rewritten. */
final class AwaitOutsideAsync {

  private AwaitOutsideAsync() {}

  /** Returns the error, naming the method that called {@code await} and where. */
  static IllegalStateException create() {
    Optional<StackWalker.StackFrame> caller =
        StackWalker.getInstance()
            .walk(frames -> frames.filter(f -> !f.getClassName().equals(Async.class.getName()))
                .filter(f -> !f.getClassName().equals(AwaitOutsideAsync.class.getName()))
                .findFirst());
    String where = caller.map(AwaitOutsideAsync::describe).orElse("an unknown method");
    return new IllegalStateException(
        "Async.await was called in "
            + where
            + ", which was not rewritten into a state machine, so it cannot suspend. "
            + "Run the JVM with -javaagent:agent/target/tinyrt-agent.jar (or call "
            + "dev.tinyrt.Async.init() before this class loads), and make sure the method returns "
            + "dev.tinyrt.Future.");
  }

  /** Renders a frame as {@code com.example.Shop.cartTotal (Shop.java:42)}. */
  static String describe(StackWalker.StackFrame frame) {
    String file = frame.getFileName();
    int line = frame.getLineNumber();
    String location =
        file == null ? "Unknown Source" : line >= 0 ? file + ":" + line : file;
    return frame.getClassName() + "." + frame.getMethodName() + " (" + location + ")";
  }
}
