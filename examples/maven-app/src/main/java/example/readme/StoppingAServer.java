// SPDX-License-Identifier: Apache-2.0
package example.readme;

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
import dev.tinyrt.sync.Oneshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The README's "I/O": stopping a server on SIGTERM. */
final class StoppingAServer {

  private StoppingAServer() {}

  static void run(TcpListener listener) {
    Oneshot.Channel<String> stop = Oneshot.channel();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.sender().send("SIGTERM");                     // the accept loop returns
      closed.join();                                     // the JVM halts once the runtime is down
    }));
    try (AsyncRuntime rt = AsyncRuntime.multiThread()) {
      rt.blockOn(serve(listener, stop.receiver()));      // spawns a task per connection
      rt.shutdown(Duration.ofSeconds(2));                // handlers get 2 s, then are cancelled
    } finally {
      closed.complete(null);
    }
  }

  static Future<Void> serve(TcpListener listener, Oneshot.Receiver<String> stop) {
    JoinHandle<String> stopped = Tasks.spawn(stop);    // once: each turn selects on its handle
    while (true) {
      Futures.Selected<Object> next = await(Futures.select(List.of(listener.accept(), stopped)));
      if (next.index() == 1) {
        return Future.ready(null);                     // an accept that lost is closed for us
      }
      Tasks.spawn(echo((TcpStream) next.value()));
    }
  }

  static Future<Void> echo(TcpStream client) {
    try (client) {
      LineReader lines = new LineReader(client);
      for (String line; (line = await(lines.readLine())) != null; ) {
        await(client.writeAll(ByteBuffer.wrap((line + "\n").getBytes(UTF_8))));
      }
    } catch (IOException e) {
      // The client went away (a reset, say): a server's routine, not a failure to report.
    }
    return Future.ready(null);
  }
}
