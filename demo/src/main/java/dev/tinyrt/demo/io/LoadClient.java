// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo.io;

import static dev.tinyrt.Async.await;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.io.LineReader;
import dev.tinyrt.io.TcpListener;
import dev.tinyrt.io.TcpStream;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.sync.Broadcast;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A load client for {@link EchoServer} and {@link ChatServer}: it opens many idle connections and a
 * few chatty ones, which send lines and wait for each to come back, on one runtime. With {@code
 * local} as the port it starts the server in the same process first, so the demo needs one command.
 *
 * <pre>
 *   LoadClient echo|chat [port|local] [idle connections] [chatty connections] [lines each]
 *   LoadClient echo local 1000 4 200
 * </pre>
 */
public final class LoadClient {

  private LoadClient() {}

  /** Opens one connection that stays idle (a chat client gives its name first). */
  static Future<TcpStream> idle(InetSocketAddress server, boolean chat, int i) throws IOException {
    TcpStream stream = await(TcpStream.connect(server));
    if (chat) {
      await(stream.writeAll(utf8("idle" + i + "\n")));
    }
    return Future.ready(stream);
  }

  /** Sends {@code lines} lines and waits for each to come back; returns the round trips made. */
  static Future<Integer> chatty(InetSocketAddress server, boolean chat, int id, int lines)
      throws IOException {
    TcpStream stream = await(TcpStream.connect(server));
    try (stream) {
      LineReader in = new LineReader(stream);
      String name = "chatty" + id;
      if (chat) {
        await(in.readLine()); // "your name?"
        await(stream.writeAll(utf8(name + "\n")));
      }
      for (int i = 0; i < lines; i++) {
        String text = "line " + i + " from " + name;
        await(stream.writeAll(utf8(text + "\n")));
        String expected = chat ? name + ": " + text : text;
        String got;
        do {
          got = await(in.readLine()); // a chat client also sees everyone else's lines
          if (got == null) {
            throw new IOException(name + ": the server closed the connection");
          }
        } while (!got.equals(expected));
      }
      return Future.ready(lines);
    }
  }

  /** Opens the idle connections, runs the chatty ones, closes everything; prints what it did. */
  static Future<Void> run(InetSocketAddress server, boolean chat, int idleCount, int chattyCount,
      int lines) throws IOException {
    long start = System.nanoTime();
    List<JoinHandle<TcpStream>> opening = new ArrayList<>();
    for (int i = 0; i < idleCount; i++) {
      opening.add(Tasks.spawn(idle(server, chat, i)));
    }
    List<TcpStream> idle = await(Futures.joinAll(opening));
    long opened = System.nanoTime();
    System.out.printf("%d idle connections open in %d ms%n", idle.size(),
        (opened - start) / 1_000_000);

    List<JoinHandle<Integer>> talking = new ArrayList<>();
    for (int i = 0; i < chattyCount; i++) {
      talking.add(Tasks.spawn(chatty(server, chat, i, lines)));
    }
    int trips = 0;
    for (int n : await(Futures.joinAll(talking))) {
      trips += n;
    }
    long done = System.nanoTime();
    double seconds = (done - opened) / 1e9;
    System.out.printf("%d chatty connections: %d round trips in %.2f s (%.0f per second), "
        + "beside %d idle connections%n", chattyCount, trips, seconds, trips / seconds, idle.size());
    for (TcpStream stream : idle) {
      stream.close();
    }
    return Future.ready(null);
  }

  static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(UTF_8));
  }

  /**
   * Runs the load.
   *
   * @param args {@code echo|chat [port|local] [idle] [chatty] [lines]}
   * @throws IOException if the server cannot be reached
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || !(args[0].equals("echo") || args[0].equals("chat"))) {
      System.err.println(
          "usage: LoadClient echo|chat [port|local] [idle connections] [chatty] [lines each]");
      System.exit(2);
    }
    boolean chat = args[0].equals("chat");
    String where = args.length > 1 ? args[1] : "local";
    int idle = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    int chatty = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    int lines = args.length > 4 ? Integer.parseInt(args[4]) : 200;
    try (AsyncRuntime rt = AsyncRuntime.multiThread()) {
      TcpListener local = null;
      InetSocketAddress server;
      if (where.equals("local")) {
        local = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0));
        server = local.localAddress();
        rt.spawn(chat ? ChatServer.serve(local, Broadcast.channel(ChatServer.BACKLOG))
            : EchoServer.serve(local));
        System.out.println((chat ? "chat" : "echo") + " server started in this process on "
            + server);
      } else {
        server = new InetSocketAddress("127.0.0.1", Integer.parseInt(where));
      }
      rt.blockOn(run(server, chat, idle, chatty, lines));
      if (local != null) {
        local.close();
      }
      rt.shutdown(java.time.Duration.ZERO); // the server's tasks wait for clients forever
    }
  }
}
