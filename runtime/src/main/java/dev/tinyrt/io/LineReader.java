// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.Future;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;

/**
 * A buffered reader over a {@link TcpStream}: lines ({@link #readLine()}) and frames of a known
 * length ({@link #readExact}) read from one buffer, so the bytes after a line (an HTTP body after
 * its headers) are not lost. Lines are UTF-8, end at {@code \n}, and lose a trailing {@code \r}.
 * One read at a time.
 */
public final class LineReader {

  /** The buffer's first size. */
  private static final int INITIAL_CAPACITY = 8 * 1024;

  /** The longest line accepted by default: a peer cannot make us buffer without bound. */
  public static final int DEFAULT_MAX_LINE = 64 * 1024;

  /** The stream read from. */
  private final TcpStream stream;

  /** The longest line accepted, in bytes. */
  private final int maxLine;

  /** Bytes read and not yet returned, between position and limit (read mode). */
  private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_CAPACITY).flip();

  /** How many bytes after the position were already searched for a newline. */
  private int scanned;

  /**
   * Reads lines of at most {@link #DEFAULT_MAX_LINE} bytes from {@code stream}.
   *
   * @param stream the stream
   */
  public LineReader(TcpStream stream) {
    this(stream, DEFAULT_MAX_LINE);
  }

  /**
   * Reads lines of at most {@code maxLine} bytes from {@code stream}.
   *
   * @param stream the stream
   * @param maxLine the longest line accepted, in bytes
   */
  public LineReader(TcpStream stream, int maxLine) {
    this.stream = stream;
    this.maxLine = maxLine;
  }

  /** @return the stream read from */
  public TcpStream stream() {
    return stream;
  }

  /**
   * Returns a future of the next line, without its end of line.
   *
   * @return a future of the line, or of {@code null} at the end of the stream; a last line with no
   *     newline is returned whole before that. It throws {@link IOException} if a line is longer
   *     than the limit.
   */
  public Future<String> readLine() {
    return new IoOp<String>(stream.registration(), SelectionKey.OP_READ) {
      @Override
      Object attempt() throws IOException {
        while (true) {
          // Look for a newline in what was not searched yet.
          int start = buffer.position();
          for (int i = start + scanned; i < buffer.limit(); i++) {
            if (buffer.get(i) == '\n') {
              int end = i > start && buffer.get(i - 1) == '\r' ? i - 1 : i;
              if (end - start > maxLine) {
                throw tooLong();
              }
              String line = new String(
                  buffer.array(), buffer.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
              buffer.position(i + 1);
              scanned = 0;
              return line;
            }
          }
          scanned = buffer.remaining();
          if (scanned >= maxLine) {
            throw tooLong();
          }
          // Read more.
          int n = fill();
          if (n == 0) {
            return WOULD_BLOCK;
          }
          if (n < 0) {
            if (!buffer.hasRemaining()) {
              return null;
            }
            String last = new String(buffer.array(), buffer.arrayOffset() + buffer.position(),
                buffer.remaining(), StandardCharsets.UTF_8);
            buffer.position(buffer.limit());
            scanned = 0;
            return last;
          }
        }
      }

      @Override
      String what() {
        return "a readLine of " + stream;
      }
    };
  }

  /**
   * Returns a future that fills {@code target} to its limit, first from the bytes already
   * buffered, then from the stream: a frame of known length, such as an HTTP body.
   *
   * @param target where the bytes go
   * @return a future that throws {@link EOFException} if the stream ends first
   */
  public Future<Void> readExact(ByteBuffer target) {
    int wanted = target.remaining();
    return new IoOp<Void>(stream.registration(), SelectionKey.OP_READ) {
      @Override
      Object attempt() throws IOException {
        while (target.hasRemaining()) {
          if (buffer.hasRemaining()) {
            int k = Math.min(buffer.remaining(), target.remaining());
            target.put(target.position(), buffer, buffer.position(), k);
            target.position(target.position() + k);
            buffer.position(buffer.position() + k);
            scanned = Math.max(0, scanned - k);
            continue;
          }
          int n = fill();
          if (n == 0) {
            return WOULD_BLOCK;
          }
          if (n < 0) {
            throw new EOFException(stream + " ended after " + (wanted - target.remaining())
                + " of the " + wanted + " bytes readExact wanted");
          }
        }
        return null;
      }

      @Override
      String what() {
        return "a readExact of " + stream;
      }
    };
  }

  private IOException tooLong() {
    return new IOException(stream + " sent a line longer than " + maxLine
        + " bytes: raise the LineReader's maxLine if that is legitimate");
  }

  /** Reads from the stream into the buffer, growing it when full; returns what the read did. */
  private int fill() throws IOException {
    if (buffer.limit() == buffer.capacity()) {
      if (buffer.position() > 0) {
        buffer.compact().flip();
      } else {
        ByteBuffer bigger = ByteBuffer.allocate(Math.min(buffer.capacity() * 2, maxLine + 1));
        bigger.put(buffer).flip();
        buffer = bigger;
      }
    }
    // Append after the limit, in write mode, and go back to read mode.
    int position = buffer.position();
    buffer.position(buffer.limit()).limit(buffer.capacity());
    int n;
    try {
      n = stream.channel().read(buffer);
    } finally {
      buffer.limit(buffer.position()).position(position);
    }
    return n;
  }
}
