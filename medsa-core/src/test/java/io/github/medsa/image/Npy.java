package io.github.medsa.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minimal .npy reader for the fixtures (C order, little-endian {@code <f4}, {@code |u1}, {@code |b1}): values
 * as doubles plus the shape, independent of how ND4J maps uint8/bool npy files.
 */
record Npy(long[] shape, double[] data) {
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  static Path fixture(String relative) {
    URL url = Npy.class.getResource("/fixtures/sam-tiny/" + relative);
    if (url == null) {
      throw new IllegalStateException("missing fixture " + relative);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Npy load(String relative) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(fixture(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int major = bytes[6];
    int headerLen = major == 1 ? buf.getShort(8) & 0xffff : buf.getInt(8);
    int start = major == 1 ? 10 : 12;
    String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
    if (header.contains("'fortran_order': True")) {
      throw new IllegalArgumentException("fortran order not supported: " + relative);
    }
    Matcher d = DESCR.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !s.find()) {
      throw new IllegalArgumentException("bad npy header " + header);
    }
    long[] shape = Arrays.stream(s.group(1).split(","))
        .map(String::trim).filter(t -> !t.isEmpty()).mapToLong(Long::parseLong).toArray();
    int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    double[] data = new double[n];
    int off = start + headerLen;
    switch (d.group(1)) {
      case "<f4" -> {
        for (int i = 0; i < n; i++) {
          data[i] = buf.getFloat(off + 4 * i);
        }
      }
      case "|u1", "|b1" -> {
        for (int i = 0; i < n; i++) {
          data[i] = bytes[off + i] & 0xff;
        }
      }
      default -> throw new IllegalArgumentException("unsupported dtype " + d.group(1));
    }
    return new Npy(shape, data);
  }

  INDArray toFloatArray() {
    float[] f = new float[data.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) data[i];
    }
    return Nd4j.create(f, shape, 'c');
  }

  /** {@code [n][2]} rows of a {@code [n, 2]} array. */
  double[][] rows(int width) {
    double[][] r = new double[data.length / width][width];
    for (int i = 0; i < r.length; i++) {
      System.arraycopy(data, i * width, r[i], 0, width);
    }
    return r;
  }

  /** An {@code H x W x 3} uint8 fixture as an image. */
  RgbImage toImage() {
    byte[] b = new byte[data.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (int) data[i];
    }
    return RgbImage.ofRgbBytes((int) shape[0], (int) shape[1], b);
  }
}
