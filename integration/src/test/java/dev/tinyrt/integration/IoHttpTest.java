// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.integration;

import static dev.tinyrt.Async.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.io.IoDriver;
import dev.tinyrt.io.LineReader;
import dev.tinyrt.io.TcpListener;
import dev.tinyrt.io.TcpStream;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.Tasks;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client nobody here wrote against tinyrt's TCP API: a small HTTP/1.1 server (keep-alive, a
 * task per connection, bodies by {@code Content-Length}) written as async methods, driven by the
 * JDK's {@link HttpClient} and by {@code curl} when it is installed. Several requests travel over
 * one connection, which the server counts.
 */
@Timeout(60)
class IoHttpTest {

  /** Connections the server accepted. */
  final AtomicInteger connections = new AtomicInteger();

  /** Requests the server answered. */
  final AtomicInteger requests = new AtomicInteger();

  /** Accepts connections forever, a task each; ends when its runtime shuts down. */
  static Future<Void> httpServer(
      TcpListener listener, AtomicInteger connections, AtomicInteger requests) throws IOException {
    while (true) {
      TcpStream stream = await(listener.accept());
      connections.incrementAndGet();
      Tasks.spawn(serveHttp(stream, requests));
    }
  }

  /** Answers requests on one connection until the client closes it or asks to. */
  static Future<Void> serveHttp(TcpStream stream, AtomicInteger requests) throws IOException {
    try (stream) {
      LineReader in = new LineReader(stream);
      while (true) {
        // Request line, then headers up to an empty line.
        String requestLine = await(in.readLine());
        if (requestLine == null) {
          break; // the client closed the connection between requests
        }
        String[] parts = requestLine.split(" ");
        int length = 0;
        boolean close = false;
        while (true) {
          String header = await(in.readLine());
          if (header == null) {
            return Future.ready(null); // cut in the middle of a request
          }
          if (header.isEmpty()) {
            break;
          }
          int colon = header.indexOf(':');
          String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
          String value = header.substring(colon + 1).trim();
          if (name.equals("content-length")) {
            length = Integer.parseInt(value);
          } else if (name.equals("connection")) {
            close = value.equalsIgnoreCase("close");
          }
        }
        // Body, then the response.
        ByteBuffer body = ByteBuffer.allocate(length);
        await(in.readExact(body));
        int n = requests.incrementAndGet();
        String text = parts[0] + " " + parts[1] + " #" + n
            + (length > 0 ? " body=" + new String(body.array(), UTF_8) : "");
        byte[] content = text.getBytes(UTF_8);
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + content.length + "\r\n"
            + (close ? "Connection: close\r\n" : "") + "\r\n";
        byte[] headBytes = head.getBytes(UTF_8);
        ByteBuffer response = ByteBuffer.allocate(headBytes.length + content.length);
        await(stream.writeAll(response.put(headBytes).put(content).flip()));
        if (close) {
          break;
        }
      }
    }
    return Future.ready(null);
  }

  @Test
  void theJdkHttpClientSendsSeveralRequestsOverOneConnection() throws Exception {
    try (IoDriver driver = IoDriver.open();
        TcpListener listener = TcpListener.bind(IoTest.ANY, driver);
        AsyncRuntime rt = AsyncRuntime.builder().multiThread(2).build()) {
      rt.spawn(httpServer(listener, connections, requests));
      URI base = URI.create("http://127.0.0.1:" + listener.localAddress().getPort());
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> r = client.send(
            HttpRequest.newBuilder(base.resolve("/items/" + i)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("GET /items/" + i + " #" + (i + 1), r.body());
      }
      HttpResponse<String> posted = client.send(
          HttpRequest.newBuilder(base.resolve("/cart"))
              .POST(HttpRequest.BodyPublishers.ofString("socks=2")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("POST /cart #6 body=socks=2", posted.body());
      assertEquals(1, connections.get(), "six requests, one kept-alive connection");

      // The same server driven from a current-thread runtime's own thread, asynchronously.
      try (AsyncRuntime local = AsyncRuntime.currentThread()) {
        HttpResponse<String> r = local.blockOn(Futures.fromStage(client.sendAsync(
            HttpRequest.newBuilder(base.resolve("/async")).GET().build(),
            HttpResponse.BodyHandlers.ofString())));
        assertEquals("GET /async #7", r.body());
      }

      curlSeveralRequestsOverOneConnection(base);

      // Shutting down cancels the server's tasks, parked in accept and in kept-alive reads: each
      // unwinds, closing its connection, and leaves the listener's key with no interest.
      rt.shutdown(Duration.ZERO);
      assertEquals(0, rt.liveTasks());
      assertEquals(new IoDriver.KeyCount(1, 0), driver.keyCount().get());
    }
  }

  private void curlSeveralRequestsOverOneConnection(URI base) throws Exception {
    String curl = findCurl();
    if (curl == null) {
      System.out.println("IoHttpTest: curl is not on the PATH; its part of the test did not run");
      return;
    }
    int connectionsBefore = connections.get();
    int requestsBefore = requests.get();
    // curl's output goes to a file, read once it ended: a curl that hangs then times out here
    // (reading a pipe to its end first would wait forever), is killed and shows what it printed.
    Path printed = Files.createTempFile("curl-", ".out");
    String out;
    try {
      Process p = new ProcessBuilder(curl, "-sS", "--http1.1", "-w", " [%{num_connects}]\\n",
          base.resolve("/a").toString(), base.resolve("/b").toString(),
          base.resolve("/c").toString())
          .redirectErrorStream(true)
          .redirectOutput(printed.toFile())
          .start();
      boolean ended = p.waitFor(30, TimeUnit.SECONDS);
      if (!ended) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      out = Files.readString(printed, UTF_8);
      assertTrue(ended, "curl did not end within 30 s and was killed; it printed:\n" + out);
      assertEquals(0, p.exitValue(), out);
    } finally {
      Files.deleteIfExists(printed);
    }
    int n = requestsBefore;
    assertEquals("GET /a #" + (n + 1) + " [1]\nGET /b #" + (n + 2) + " [0]\nGET /c #" + (n + 3)
        + " [0]\n", out, "curl's three requests, only the first one connecting");
    assertEquals(connectionsBefore + 1, connections.get(), "curl reused its one connection");
  }

  private static String findCurl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "curl");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }
}
