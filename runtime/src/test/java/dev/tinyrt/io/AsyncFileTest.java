// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Files through AsynchronousFileChannel: the callback wakes the task; a dropped op wakes none. */
@Timeout(60)
class AsyncFileTest {

  @TempDir Path dir;

  @Test
  void writeThenReadBackWakesThePollingTask() throws Exception {
    Path path = dir.resolve("data.txt");
    try (AsyncFile file = AsyncFile.open(path, CREATE, WRITE, READ)) {
      byte[] text = "hello, files".getBytes(UTF_8);
      assertEquals(text.length, Async.blockOn(file.write(ByteBuffer.wrap(text), 0)));
      assertEquals(text.length, file.size());

      // Driven by hand: pending until the JDK's pool calls back, then ready.
      LatchWaker waker = new LatchWaker();
      ByteBuffer in = ByteBuffer.allocate(64);
      Future<Integer> read = file.read(in, 7);
      Poll<Integer> p;
      while ((p = read.poll(waker.context())).isPending()) {
        waker.awaitWake();
      }
      assertEquals(5, p.get());
      assertEquals("files", new String(in.array(), 0, in.position(), UTF_8));
      assertTrue(waker.count() <= 1, "woken at most once");
      assertEquals(-1, Async.blockOn(file.read(ByteBuffer.allocate(4), 100)), "past the end");
    }
  }

  @Test
  void aDroppedReadWakesNobodyAndAClosedFileFailsClearly() throws Exception {
    Path path = dir.resolve("data.bin");
    try (AsyncFile file = AsyncFile.open(path, CREATE, WRITE, READ)) {
      Async.blockOn(file.write(ByteBuffer.wrap(new byte[1024]), 0));
      // An operation whose completion the test holds: dropped, then completed, it wakes nobody.
      AtomicReference<CompletionHandler<Integer, Void>> handler = new AtomicReference<>();
      FileOp op = new FileOp(file, "a held read", handler::set);
      CountingWaker waker = new CountingWaker();
      assertTrue(op.poll(waker.context()).isPending());
      op.drop();
      handler.get().completed(1024, null);
      assertEquals(0, waker.count(), "the dropped read's waker was let go");
      // The same held operation, not dropped: its completion wakes the task once.
      AtomicReference<CompletionHandler<Integer, Void>> held = new AtomicReference<>();
      FileOp kept = new FileOp(file, "a held read", held::set);
      assertTrue(kept.poll(waker.context()).isPending());
      held.get().completed(7, null);
      assertEquals(1, waker.count());
      assertEquals(7, kept.poll(waker.context()).get());
      file.close();
      IOException e = assertThrows(IOException.class,
          () -> Async.blockOn(file.read(ByteBuffer.allocate(4), 0)));
      assertTrue(e.getMessage().contains("was closed"), e.getMessage());
    }
  }
}
