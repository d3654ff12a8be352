// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo.io;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.io.IoDriver;
import dev.tinyrt.io.TcpListener;
import dev.tinyrt.io.TcpStream;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.Tasks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * An echo server: a task per connection sends back every byte it reads. Thousands of idle
 * connections cost a few hundred bytes each, not a thread. Run it, then {@link LoadClient}:
 *
 * <pre>
 *   java -javaagent:agent/target/tinyrt-agent.jar -cp runtime/target/tinyrt-runtime.jar:\
 *       demo/target/tinyrt-demo.jar dev.tinyrt.demo.io.EchoServer [port]
 * </pre>
 */
public final class EchoServer {

  /** The port when none is given. */
  static final int DEFAULT_PORT = 7007;

  private EchoServer() {}

  /** Accepts connections forever, each served by its own task. */
  static Future<Void> serve(TcpListener listener) throws IOException {
    while (true) {
      TcpStream client = await(listener.accept());
      Tasks.spawn(echo(client));
    }
  }

  /**
   * Sends back what it reads until the client ends its stream or the connection fails. Between
   * messages it waits with {@code readable()}, holding no buffer: an idle client costs no 4 KB.
   * {@code readable()} answers at once while the socket is known readable, so a read is tried
   * only when bytes may be there: one read system call per message, not a second that finds
   * nothing.
   */
  static Future<Long> echo(TcpStream stream) {
    long total = 0;
    try (stream) {
      while (true) {
        await(stream.readable()); // no buffer held while it waits
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        int n = stream.tryRead(buffer);
        if (n < 0) {
          break;
        }
        if (n > 0) {
          total += n;
          await(stream.writeAll(buffer.flip()));
        }
      }
    } catch (IOException e) {
      System.err.println("echo: " + e.getMessage());
    }
    return Future.ready(total);
  }

  /**
   * Starts the server.
   *
   * @param args the port, optional
   * @throws IOException if it cannot listen
   */
  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_PORT;
    try (AsyncRuntime rt = AsyncRuntime.multiThread();
        TcpListener listener =
            TcpListener.bind(new InetSocketAddress("127.0.0.1", port), IoDriver.of(rt))) {
      System.out.println("echo server on " + listener.localAddress()
          + " (try: LoadClient echo " + listener.localAddress().getPort() + ")");
      rt.blockOn(serve(listener));
    }
  }
}
