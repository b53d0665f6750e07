package io.github.medsa.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads from an underlying stream without any read-ahead of its own, counts the bytes consumed and knows
 * how many remain (the caller says how long the stream is), so length fields can be checked before
 * anything is allocated.
 */
final class CountingInputStream extends InputStream {
  private final InputStream in;
  private final long length;
  private long position;

  CountingInputStream(InputStream in, long length) {
    this.in = in;
    this.length = length;
  }

  long position() {
    return position;
  }

  long remaining() {
    return length - position;
  }

  @Override
  public int read() throws IOException {
    if (position >= length) {
      return -1;
    }
    int b = in.read();
    if (b >= 0) {
      position++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (position >= length) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, length - position));
    if (n > 0) {
      position += n;
    }
    return n;
  }

  /** Exactly {@code n} bytes, or {@link EOFException}. */
  byte[] readExactly(int n) throws IOException {
    if (n > remaining()) {
      throw new EOFException("needs " + n + " bytes, " + remaining() + " remain");
    }
    byte[] b = in.readNBytes(n);
    position += b.length;
    if (b.length != n) {
      throw new EOFException("needs " + n + " bytes, got " + b.length);
    }
    return b;
  }

  /** Little-endian signed 64-bit integer. */
  long readLongLE() throws IOException {
    byte[] b = readExactly(8);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }
}
