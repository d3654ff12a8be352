// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file whose positional reads and writes are futures, through {@link AsynchronousFileChannel}:
 * the JDK completes each operation on its own pool (on Linux, a blocking read on a pool thread)
 * and calls back; the future wakes its task from that callback. No selector is involved.
 *
 * <p>A read or write that is abandoned (a timeout, a select, an abort) cannot be taken back from
 * the operating system: it may still complete and touch the buffer. The future ignores that
 * result and holds no waker after its drop; tinyrt never touches the buffer again, but the caller
 * must not reuse a buffer given to an abandoned operation.
 */
public final class AsyncFile implements AutoCloseable {

  /** The channel. */
  private final AsynchronousFileChannel channel;

  /** The path, for messages. */
  private final Path path;

  private AsyncFile(AsynchronousFileChannel channel, Path path) {
    this.channel = channel;
    this.path = path;
  }

  /**
   * Opens {@code path} as {@link AsynchronousFileChannel#open(Path, OpenOption...)} does.
   *
   * @param path the file
   * @param options how to open it ({@code READ}, {@code WRITE}, {@code CREATE}, ...)
   * @return an open file
   * @throws IOException if it could not be opened
   */
  public static AsyncFile open(Path path, OpenOption... options) throws IOException {
    Objects.requireNonNull(path, "path");
    return new AsyncFile(AsynchronousFileChannel.open(path, options), path);
  }

  /**
   * Returns a future that reads into {@code buffer} from the file's {@code position}; the read
   * starts on the first poll.
   *
   * @param buffer where the bytes go
   * @param position where in the file to read from
   * @return a future of the number of bytes read, -1 at or past the end of the file
   */
  public Future<Integer> read(ByteBuffer buffer, long position) {
    Objects.requireNonNull(buffer, "buffer");
    return new FileOp(this, "a read of " + path,
        handler -> channel.read(buffer, position, null, handler));
  }

  /**
   * Returns a future that writes {@code buffer} to the file at {@code position}; the write starts
   * on the first poll. It may write fewer bytes than remain, as the channel may.
   *
   * @param buffer the bytes
   * @param position where in the file to write them
   * @return a future of the number of bytes written
   */
  public Future<Integer> write(ByteBuffer buffer, long position) {
    Objects.requireNonNull(buffer, "buffer");
    return new FileOp(this, "a write to " + path,
        handler -> channel.write(buffer, position, null, handler));
  }

  /**
   * @return the file's size
   * @throws IOException if it is closed
   */
  public long size() throws IOException {
    return channel.size();
  }

  /** @return the path */
  public Path path() {
    return path;
  }

  /**
   * Closes the file; operations in flight fail. Idempotent.
   *
   * @throws IOException if closing failed
   */
  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return "AsyncFile " + path;
  }
}
