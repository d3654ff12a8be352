// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import dev.tinyrt.agent.RuntimeNames;
import java.util.Set;
import org.objectweb.asm.tree.MethodInsnNode;

/**
 * The known blocking calls: a call that parks the thread it runs on, which in an async method is an
 * executor's worker, so every task queued on that worker waits too. Each comes with its async
 * alternative. Matched by the called method's owner as javac wrote it, so a call through a type
 * of the user's own (a subclass of {@code InputStream}, say) is not seen: the list errs towards no
 * false warning.
 */
final class BlockingCalls {

  /**
   * A blocking call that was matched.
   *
   * @param call how to show it: {@code Thread.sleep}
   * @param qualified its owner and name, for the allow-list: {@code java.lang.Thread.sleep}
   * @param alternative what to do instead
   */
  record Match(String call, String qualified, String alternative) {}

  /** What to use instead of a blocking read or write of a stream or socket. */
  private static final String IO =
      "use dev.tinyrt.io (TcpStream, TcpListener, UdpSocket, AsyncFile, LineReader) and await "
          + "its futures, or move the call off the executor: await(Tasks.spawnBlocking(() -> ...))";

  /** What to use instead of waiting for a JDK future. */
  private static final String STAGE =
      "await the CompletionStage itself: await(stage) suspends the task, not the thread";

  /** In-memory streams and readers, whose reads never block. */
  private static final Set<String> IN_MEMORY = Set.of(
      "java/io/ByteArrayInputStream", "java/io/StringReader", "java/io/CharArrayReader");

  /** The read methods of {@code java.io} streams and readers. */
  private static final Set<String> READS = Set.of(
      "read", "readLine", "readAllBytes", "readNBytes", "readFully", "transferTo");

  private BlockingCalls() {}

  /** @return the blocking call {@code call} makes, or null when it is not a known one */
  static Match match(MethodInsnNode call) {
    String owner = call.owner;
    String name = call.name;
    String alternative = alternative(owner, name, call.desc);
    if (alternative == null) {
      return null;
    }
    String simple = owner.substring(owner.lastIndexOf('/') + 1).replace('$', '.');
    return new Match(simple + "." + name, owner.replace('/', '.') + "." + name, alternative);
  }

  private static String alternative(String owner, String name, String desc) {
    switch (owner) {
      case "java/lang/Thread":
        if (name.equals("sleep")) {
          return "await(Tasks.sleep(Duration.ofMillis(...))) waits without holding the thread";
        }
        if (name.equals("join")) {
          return "run the work as a task and await its JoinHandle (await(Tasks.spawn(...))), "
              + "or await(Tasks.spawnBlocking(() -> { thread.join(); return null; }))";
        }
        return null;
      case "java/util/concurrent/locks/LockSupport":
        return name.startsWith("park")
            ? "await a future that a waker completes (dev.tinyrt.sync.Notify, a Oneshot channel)"
            : null;
      case "java/util/concurrent/CompletableFuture":
        return name.equals("get") || name.equals("join") ? STAGE : null;
      case "java/util/concurrent/Future":
      case "java/util/concurrent/FutureTask":
      case "java/util/concurrent/ForkJoinTask":
        return name.equals("get")
            ? "await(Tasks.spawnBlocking(() -> future.get())), or make the work a "
                + "CompletionStage or a tinyrt Future and await it"
            : null;
      case "java/lang/Process":
        return name.equals("waitFor")
            ? "await(process.onExit()): a CompletableFuture, awaited without blocking"
            : null;
      case "java/util/concurrent/CountDownLatch":
        return name.equals("await") ? "await a dev.tinyrt.sync.Notify (or a Oneshot channel)" : null;
      case "java/util/concurrent/Semaphore":
        return name.startsWith("acquire") ? "await a dev.tinyrt.sync.Semaphore's acquire" : null;
      case "java/util/concurrent/BlockingQueue":
      case "java/util/concurrent/LinkedBlockingQueue":
      case "java/util/concurrent/ArrayBlockingQueue":
        return name.equals("take") || name.equals("put")
            ? "use a dev.tinyrt.sync.Mpsc channel and await its send and recv"
            : null;
      case "java/net/ServerSocket":
        return name.equals("accept") ? "await(TcpListener.accept())" : null;
      case "java/net/Socket":
        return name.equals("connect") ? "await(TcpStream.connect(address))" : null;
      case "java/net/DatagramSocket":
        return name.equals("receive") ? "await a dev.tinyrt.io.UdpSocket's receive" : null;
      case "java/net/URL":
        return name.equals("openStream") ? IO : null;
      case "java/net/http/HttpClient":
        return name.equals("send")
            ? "await(client.sendAsync(request, handler)): a CompletableFuture" : null;
      default:
        break;
    }
    if (owner.equals(RuntimeNames.ASYNC) && name.equals("blockOn")) {
      return "await(future): blockOn drives a future on this thread, blocking it (and throws on "
          + "a runtime's worker)";
    }
    if (name.equals("wait") && (desc.equals("()V") || desc.equals("(J)V") || desc.equals("(JI)V"))) {
      return "await a dev.tinyrt.sync.Notify instead of waiting on a monitor";
    }
    if (owner.startsWith("java/io/")
        && !IN_MEMORY.contains(owner)
        && READS.contains(name)
        && (owner.endsWith("InputStream") || owner.endsWith("Reader")
            || owner.equals("java/io/RandomAccessFile") || owner.equals("java/io/DataInput"))) {
      return IO;
    }
    return null;
  }
}
