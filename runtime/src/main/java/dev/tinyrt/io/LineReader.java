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
 *
 * <p>A reader holds a buffer only while it holds bytes not returned yet: one that waits for its
 * next line with nothing buffered (an idle chat client) holds none. A read into an empty reader
 * goes into its thread's scratch buffer, and the line is made from there; only bytes left over
 * after it are copied into a buffer of the reader's own, when the read or line returns. So a busy
 * connection whose lines come one per read allocates the line's {@code String} and nothing else
 * (measured by {@code LineReaderAllocation}, bench: 440 bytes per 32-byte line before, when every
 * read into an empty reader took a buffer of at least 256 bytes).
 */
public final class LineReader {

  /** The size of a thread's scratch buffer: the most one read into an empty reader takes. */
  private static final int SCRATCH_CAPACITY = 8 * 1024;

  /** The smallest buffer a reader takes when bytes come (it grows, up to the line limit). */
  private static final int MIN_CAPACITY = 256;

  /** Each thread's buffer for reads into a reader that holds none; copied out at once. */
  private static final ThreadLocal<ByteBuffer> SCRATCH =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(SCRATCH_CAPACITY));

  /** The longest line accepted by default: a peer cannot make us buffer without bound. */
  public static final int DEFAULT_MAX_LINE = 64 * 1024;

  /** The stream read from. */
  private final TcpStream stream;

  /** The longest line accepted, in bytes. */
  private final int maxLine;

  /**
   * Bytes read and not yet returned, between position and limit (read mode); null when there are
   * none (never an empty buffer: it is let go once its last byte is returned). Inside an attempt
   * it may be the thread's scratch buffer, never after one ({@link #detachScratch}).
   */
  private ByteBuffer buffer;

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
        try {
          return line();
        } finally {
          detachScratch();
        }
      }

      /** Returns the next line, null at the end of the stream, or WOULD_BLOCK. */
      private Object line() throws IOException {
        while (true) {
          // Look for a newline in what was not searched yet.
          if (buffer != null) {
            int start = buffer.position();
            for (int i = start + scanned; i < buffer.limit(); i++) {
              if (buffer.get(i) == '\n') {
                int end = i > start && buffer.get(i - 1) == '\r' ? i - 1 : i;
                if (end - start > maxLine) {
                  throw tooLong();
                }
                String line = new String(buffer.array(), buffer.arrayOffset() + start,
                    end - start, StandardCharsets.UTF_8);
                scanned = 0;
                consumed(i + 1);
                return line;
              }
            }
            scanned = buffer.remaining();
            if (scanned >= maxLine) {
              throw tooLong();
            }
          }
          // Read more.
          int n = fill();
          if (n == 0) {
            return WOULD_BLOCK;
          }
          if (n < 0) {
            if (buffer == null) {
              return null;
            }
            String last = new String(buffer.array(), buffer.arrayOffset() + buffer.position(),
                buffer.remaining(), StandardCharsets.UTF_8);
            consumed(buffer.limit());
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
        try {
          return fillTarget();
        } finally {
          detachScratch();
        }
      }

      /** Fills the target from the buffer, then the stream; null once full, or WOULD_BLOCK. */
      private Object fillTarget() throws IOException {
        while (target.hasRemaining()) {
          if (buffer != null) {
            int k = Math.min(buffer.remaining(), target.remaining());
            target.put(target.position(), buffer, buffer.position(), k);
            target.position(target.position() + k);
            scanned = Math.max(0, scanned - k);
            consumed(buffer.position() + k);
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

  /**
   * Moves the buffer's position to {@code position}: the bytes before it were returned. Lets the
   * buffer go if none are left.
   */
  private void consumed(int position) {
    if (position == buffer.limit()) {
      buffer = null;
      scanned = 0;
    } else {
      buffer.position(position);
      if (scanned > buffer.remaining()) {
        scanned = buffer.remaining();
      }
    }
  }

  /** @return the capacity of the buffer this reader holds, 0 if none (for tests) */
  int bufferCapacity() {
    ByteBuffer b = buffer;
    return b == null ? 0 : b.capacity();
  }

  /**
   * At the end of an attempt: if the buffer is the thread's scratch, copies the bytes left in it
   * (after the lines returned) into a buffer of the reader's own, or lets it go if none are left.
   * The scratch is the thread's: the next reader polled on this thread reads into it.
   */
  private void detachScratch() {
    ByteBuffer b = buffer;
    if (b != null && b == SCRATCH.get()) {
      buffer = ByteBuffer.allocate(Math.max(b.remaining(), MIN_CAPACITY)).put(b).flip();
    }
  }

  /** Reads from the stream into the buffer, growing it when full; returns what the read did. */
  private int fill() throws IOException {
    if (buffer == null) {
      // Nothing buffered: read into the thread's scratch; the attempt takes its lines from there
      // and detachScratch keeps what is left.
      ByteBuffer scratch = SCRATCH.get().clear();
      int n = stream.channel().read(scratch);
      stream.registration().afterRead(n, SCRATCH_CAPACITY);
      if (n > 0) {
        buffer = scratch.flip();
      }
      return n;
    }
    detachScratch(); // a partial line in the scratch: append after it in a buffer of our own
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
      int room = buffer.remaining();
      n = stream.channel().read(buffer);
      stream.registration().afterRead(n, room);
    } finally {
      buffer.limit(buffer.position()).position(position);
    }
    return n;
  }
}
