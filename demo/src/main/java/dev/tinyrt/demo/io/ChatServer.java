// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo.io;

import static dev.tinyrt.Async.await;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tinyrt.Future;
import dev.tinyrt.io.LineReader;
import dev.tinyrt.io.IoDriver;
import dev.tinyrt.io.TcpListener;
import dev.tinyrt.io.TcpStream;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.sync.Broadcast;
import dev.tinyrt.sync.LaggedException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A line-based chat server: the first line a client sends is its name, every later line goes to
 * everyone. Each connection has two tasks sharing its stream: one reads the client's lines and
 * sends them into a broadcast channel, one writes to the client what the channel carries (one
 * read and one write at a time on a stream is allowed). A slow reader that falls more than the
 * channel's capacity behind is told how many lines it missed.
 *
 * <pre>
 *   java -javaagent:agent/target/tinyrt-agent.jar -cp runtime/target/tinyrt-runtime.jar:\
 *       demo/target/tinyrt-demo.jar dev.tinyrt.demo.io.ChatServer [port]
 *   nc 127.0.0.1 7008
 * </pre>
 */
public final class ChatServer {

  /** The port when none is given. */
  static final int DEFAULT_PORT = 7008;

  /** How many lines the broadcast channel keeps for slow readers. */
  static final int BACKLOG = 256;

  private ChatServer() {}

  /** Accepts connections forever; each joins the room. */
  static Future<Void> serve(TcpListener listener, Broadcast.Sender<String> room)
      throws IOException {
    while (true) {
      TcpStream client = await(listener.accept());
      Tasks.spawn(session(client, room));
    }
  }

  /** One client: its name, then its lines into the room until it leaves. */
  static Future<Void> session(TcpStream stream, Broadcast.Sender<String> room) {
    JoinHandle<Void> writer = null;
    String name = null;
    try (stream) {
      LineReader lines = new LineReader(stream, 4096);
      await(stream.writeAll(utf8("your name?\n")));
      name = await(lines.readLine());
      if (name == null || name.isBlank()) {
        return Future.ready(null);
      }
      // Subscribe before announcing, so the client sees its own arrival.
      writer = Tasks.spawn(forward(room.subscribe(), stream));
      room.send(name + " joined");
      String line;
      while ((line = await(lines.readLine())) != null) {
        room.send(name + ": " + line);
      }
    } catch (IOException e) {
      System.err.println("chat: " + e.getMessage());
    } finally {
      if (writer != null) {
        writer.abort();
      }
      if (name != null && !name.isBlank()) {
        room.send(name + " left");
      }
    }
    return Future.ready(null);
  }

  /** Writes the room's lines to one client until the session aborts it. */
  static Future<Void> forward(Broadcast.Receiver<String> room, TcpStream stream)
      throws IOException {
    while (true) {
      String line;
      try {
        line = await(room.recv());
      } catch (LaggedException e) {
        line = "(you missed some lines: " + e.getMessage() + ")";
      }
      if (line == null) {
        return Future.ready(null); // the room closed
      }
      await(stream.writeAll(utf8(line + "\n")));
    }
  }

  static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(UTF_8));
  }

  /**
   * Starts the server.
   *
   * @param args the port, optional
   * @throws IOException if it cannot listen
   */
  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_PORT;
    Broadcast.Sender<String> room = Broadcast.channel(BACKLOG);
    try (AsyncRuntime rt = AsyncRuntime.multiThread();
        TcpListener listener =
            TcpListener.bind(new InetSocketAddress("127.0.0.1", port), IoDriver.of(rt))) {
      System.out.println("chat server on " + listener.localAddress()
          + " (try: nc 127.0.0.1 " + port + ", or LoadClient chat " + port + ")");
      rt.blockOn(serve(listener, room));
    }
  }
}
