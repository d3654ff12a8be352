// SPDX-License-Identifier: Apache-2.0
package example.readme;

import static dev.tinyrt.Async.await;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tinyrt.Future;
import dev.tinyrt.io.LineReader;
import dev.tinyrt.io.TcpListener;
import dev.tinyrt.io.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** The README's "I/O": an echo server's first connection. */
final class Io {

  private Io() {}

  static Future<Void> echo() throws IOException {
    TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0));
    TcpStream client = await(listener.accept());
    LineReader lines = new LineReader(client);
    for (String line; (line = await(lines.readLine())) != null; ) {
      await(client.writeAll(ByteBuffer.wrap((line + "\n").getBytes(UTF_8))));
    }
    return Future.ready(null);
  }
}
