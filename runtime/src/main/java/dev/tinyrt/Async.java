// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import java.util.concurrent.CompletionStage;

/**
 * The entry points of tinyrt: {@code await} inside async methods, {@code blockOn} to drive a future
 * from ordinary code, and {@code init} to enable the rewriting agent from inside the program.
 *
 * <p>An async method is a method whose declared return type is {@link Future} and whose body calls
 * {@code await}. The tinyrt agent rewrites each one, when its class loads, into a state machine
 * whose {@code await}s suspend instead of blocking. Without the agent, {@code await} throws.
 */
public final class Async {

  private Async() {}

  /**
   * Waits for {@code future} inside an async method, suspending the method (not the thread) while
   * the future is pending. A failed future's exception is thrown here unchanged.
   *
   * <p>Only legal inside an async method rewritten by the agent; the calls are replaced when the
   * class loads. A call that reaches this method was not rewritten.
   *
   * @param future the future to wait for
   * @param <T> its value's type
   * @return the future's value
   * @throws IllegalStateException always, naming the calling method and how to enable the agent
   */
  public static <T> T await(Future<T> future) {
    throw AwaitOutsideAsync.create();
  }

  /**
   * Waits for a JDK {@link CompletionStage} inside an async method, as {@link #await(Future)} does.
   *
   * @param stage the stage to wait for
   * @param <T> its value's type
   * @return the stage's value
   * @throws IllegalStateException always, naming the calling method and how to enable the agent
   */
  public static <T> T await(CompletionStage<T> stage) {
    throw AwaitOutsideAsync.create();
  }

  /**
   * Drives {@code future} to completion on the calling thread: the chapter's {@code block_on}.
   * Polls it; while it is pending, parks the thread until its waker is woken, then polls again.
   * It never spins. An interrupt does not stop it; the thread's interrupt status is kept and
   * restored on return.
   *
   * @param future the future to drive
   * @param <T> its value's type
   * @return the future's value
   */
  public static <T> T blockOn(Future<T> future) {
    return BlockOn.run(future);
  }

  /**
   * Enables the tinyrt agent in a program started without {@code -javaagent}, by attaching it to
   * this JVM (byte-buddy-agent). Classes loaded afterwards are rewritten; classes with async methods
   * that were already loaded cannot be, and are reported. Calling it again does nothing, and so does
   * a call in a JVM started with {@code -javaagent:/path/to/tinyrt-agent.jar}.
   *
   * <p>On JDK 21 and newer the JVM prints a warning when an agent is loaded into a running JVM
   * ("A Java agent has been loaded dynamically ... dynamic loading of agents will be disallowed by
   * default in a future release", JEP 451). It is the JVM's, not an error, and the agent works. To
   * avoid it, start the JVM with {@code -javaagent:/path/to/tinyrt-agent.jar} (this call then does
   * nothing), allow the attachment with {@code -XX:+EnableDynamicAgentLoading}, or rewrite the
   * classes at build time ({@code java -jar tinyrt-agent.jar instrument DIR}) and run without an
   * agent at all.
   *
   * @throws IllegalStateException if {@code tinyrt-agent.jar} is not on the class path or the JVM
   *     refuses the attachment
   */
  public static void init() {
    AgentLocator.install();
  }
}
