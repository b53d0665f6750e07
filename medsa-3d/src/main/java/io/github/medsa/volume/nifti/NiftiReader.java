package io.github.medsa.volume.nifti;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.volume.Geometry;
import io.github.medsa.volume.Volume;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads single-file NIfTI-1 ({@code n+1}) and NIfTI-2 ({@code n+2}) volumes, plain or gzip-compressed, either
 * byte order, into a float {@link Volume} with the affine nibabel would report.
 *
 * <p>Values are {@code raw * scl_slope + scl_inter} when the slope is finite and non-zero, else the raw values
 * (slope 0 means "unscaled" in the standard). NaN in float files is returned as-is: refusing it is the job of
 * the checks that know whether the volume is an image or a label map. Every problem with the file is a
 * {@link NiftiFormatException} naming the file; sizes are checked against the file before anything large is
 * allocated, so a corrupt header cannot cause an OutOfMemoryError.
 */
public final class NiftiReader {
  private static final int NIFTI1_HEADER = 348;
  private static final int NIFTI2_HEADER = 540;
  /** Deflate cannot expand data by more than about 1032:1, which bounds what a .gz of a given size can hold. */
  private static final long MAX_DEFLATE_RATIO = 1032;
  private static final int CHUNK = 1 << 20;

  private NiftiReader() {
  }

  /**
   * Reads a 3-D volume (or 4-D with one time point).
   *
   * @param file a {@code .nii} or {@code .nii.gz} file, NIfTI-1 or NIfTI-2
   * @return the volume (scaled values, geometry from the header's affine) and its header
   * @throws NiftiTimeSeriesException if the file has more than one time point
   * @throws NiftiFormatException if the file is not a readable NIfTI volume
   * @throws IOException if the file cannot be read
   */
  public static NiftiImage read(Path file) throws IOException {
    return readImpl(file, -1);
  }

  /**
   * Reads time point {@code timePoint} (0-based) of a 4-D file; 0 is the only choice for a 3-D file.
   *
   * @param file a {@code .nii} or {@code .nii.gz} file, NIfTI-1 or NIfTI-2
   * @param timePoint the 0-based time point
   * @return that time point's volume and the file's header
   * @throws IllegalArgumentException if {@code timePoint} is negative
   * @throws NiftiFormatException if the file is not a readable NIfTI volume or has no such time point
   * @throws IOException if the file cannot be read
   */
  public static NiftiImage read(Path file, int timePoint) throws IOException {
    checkArgument(timePoint >= 0, "timePoint must be >= 0, got %s", timePoint);
    return readImpl(file, timePoint);
  }

  /**
   * Reads only the header (checked like {@link #read(Path)} except for the data size).
   *
   * @param file a {@code .nii} or {@code .nii.gz} file, NIfTI-1 or NIfTI-2
   * @return the header
   * @throws NiftiFormatException if the header is not a valid NIfTI header
   * @throws IOException if the file cannot be read
   */
  public static NiftiHeader readHeader(Path file) throws IOException {
    try (Source src = Source.open(file)) {
      return src.header;
    }
  }

  private static NiftiImage readImpl(Path file, int timePoint) throws IOException {
    try (Source src = Source.open(file)) {
      NiftiHeader h = src.header;
      long nt = h.timePoints();
      if (timePoint < 0) {
        if (nt > 1) {
          throw new NiftiTimeSeriesException(file, nt);
        }
        timePoint = 0;
      } else if (timePoint >= nt) {
        throw new NiftiFormatException(file, "time point " + timePoint + " requested but the file has " + nt);
      }
      NiftiDatatype type = h.datatype().orElseThrow();
      long[] dim = h.dim();
      int[] dims = {(int) dim[1], (int) dim[2], (int) dim[3]};
      long volVoxels = (long) dims[0] * dims[1] * dims[2];
      long volBytes = volVoxels * type.bytes();
      long dataStart = h.voxOffset() + timePoint * volBytes;

      float[] data = new float[(int) volVoxels];
      src.skipTo(dataStart);
      src.readValues(type, data);

      double[][] affine = h.affine();
      double[] spacing = spacing(file, h, affine);
      String source = file.toString() + (nt > 1 ? "[t=" + timePoint + "]" : "");
      return new NiftiImage(new Volume(new Geometry(dims, spacing, affine), data, source), h);
    }
  }

  /** |pixdim[1..3]|; a zero or non-finite pixdim falls back to the affine's column norm. */
  private static double[] spacing(Path file, NiftiHeader h, double[][] affine) throws NiftiFormatException {
    double[] pix = h.pixdim();
    double[] s = new double[3];
    for (int j = 0; j < 3; j++) {
      s[j] = Math.abs(pix[j + 1]);
      if (!(s[j] > 0) || !Double.isFinite(s[j])) {
        s[j] = Math.sqrt(affine[0][j] * affine[0][j] + affine[1][j] * affine[1][j] + affine[2][j] * affine[2][j]);
      }
      if (!(s[j] > 0) || !Double.isFinite(s[j])) {
        throw new NiftiFormatException(file, "pixdim[" + (j + 1) + "] = " + pix[j + 1]
            + " and the affine gives no voxel size either");
      }
    }
    return s;
  }

  /** An open (possibly gunzipped) stream positioned after the header, with the checked header. */
  private static final class Source implements AutoCloseable {
    final Path file;
    final InputStream in;
    final boolean gzip;
    final NiftiHeader header;
    /** vox_offset + all voxels of all time points, in bytes: what a complete file must hold. */
    long needed;
    long position;
    private final ByteOrder order;

    private Source(Path file, InputStream in, boolean gzip) throws IOException {
      this.file = file;
      this.in = in;
      this.gzip = gzip;
      byte[] first = readFully(4);
      if (first.length == 0) {
        throw new NiftiFormatException(file, "file is empty");
      }
      if (first.length < 4) {
        throw new NiftiFormatException(file, "file has only " + first.length + " bytes, no NIfTI header");
      }
      int le = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getInt();
      int be = ByteBuffer.wrap(first).order(ByteOrder.BIG_ENDIAN).getInt();
      int size;
      if (le == NIFTI1_HEADER || le == NIFTI2_HEADER) {
        order = ByteOrder.LITTLE_ENDIAN;
        size = le;
      } else if (be == NIFTI1_HEADER || be == NIFTI2_HEADER) {
        order = ByteOrder.BIG_ENDIAN;
        size = be;
      } else {
        throw new NiftiFormatException(file, "bad sizeof_hdr " + le + " (read big endian: " + be
            + "); a NIfTI-1 header has 348, NIfTI-2 540");
      }
      byte[] rest = readFully(size - 4);
      if (rest.length < size - 4) {
        throw new NiftiFormatException(file, "file ends after " + position + " bytes, inside the " + size
            + "-byte header");
      }
      ByteBuffer bb = ByteBuffer.allocate(size).order(order);
      bb.put(first).put(rest).flip();
      header = size == NIFTI1_HEADER ? parse1(bb) : parse2(bb);
      checkHeader();
    }

    static Source open(Path file) throws IOException {
      InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      try {
        // Decide by content, not by name: .nii files are often gzipped (and .nii.gz sometimes not).
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gz = b0 == 0x1f && b1 == 0x8b;
        InputStream in = raw;
        if (gz) {
          try {
            in = new GZIPInputStream(raw, 1 << 16);
          } catch (EOFException | ZipException e) {
            throw new NiftiFormatException(file, "corrupt or truncated gzip header: " + e.getMessage(), e);
          }
        }
        return new Source(file, in, gz);
      } catch (IOException | RuntimeException e) {
        raw.close();
        throw e;
      }
    }

    private NiftiHeader parse1(ByteBuffer b) throws NiftiFormatException {
      String magic = string(b, 344, 4);
      if (!magic.equals("n+1")) {
        throw badMagic(magic, b, 344, 4, "n+1");
      }
      long[] dim = new long[8];
      for (int i = 0; i < 8; i++) {
        dim[i] = b.getShort(40 + 2 * i);
      }
      double[] pixdim = new double[8];
      for (int i = 0; i < 8; i++) {
        pixdim[i] = b.getFloat(76 + 4 * i);
      }
      double voxOffset = b.getFloat(108);
      if (!Double.isFinite(voxOffset) || voxOffset != Math.rint(voxOffset)) {
        throw new NiftiFormatException(file, "vox_offset " + voxOffset + " is not a whole number of bytes");
      }
      double[][] srow = new double[3][4];
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 4; c++) {
          srow[r][c] = b.getFloat(280 + 16 * r + 4 * c);
        }
      }
      return new NiftiHeader(1, order, dim, b.getShort(70), b.getShort(72), pixdim, (long) voxOffset,
          b.getFloat(112), b.getFloat(116), b.getShort(252), b.getShort(254),
          new double[] {b.getFloat(256), b.getFloat(260), b.getFloat(264)},
          new double[] {b.getFloat(268), b.getFloat(272), b.getFloat(276)}, srow, b.get(123) & 0xFF,
          string(b, 148, 80), string(b, 228, 24), b.getShort(68),
          new double[] {b.getFloat(56), b.getFloat(60), b.getFloat(64)}, string(b, 328, 16), b.getFloat(128),
          b.getFloat(124), b.getFloat(136), b.getFloat(132), b.get(122) & 0xFF, b.getShort(74), b.getShort(120),
          b.get(39) & 0xFF);
    }

    private NiftiHeader parse2(ByteBuffer b) throws NiftiFormatException {
      byte[] expected = {'n', '+', '2', 0, '\r', '\n', 032, '\n'};
      byte[] magic = new byte[8];
      b.get(4, magic);
      if (!Arrays.equals(magic, expected)) {
        throw badMagic(string(b, 4, 8), b, 4, 8, "n+2\\0\\r\\n\\032\\n");
      }
      long[] dim = new long[8];
      for (int i = 0; i < 8; i++) {
        dim[i] = b.getLong(16 + 8 * i);
      }
      double[] pixdim = new double[8];
      for (int i = 0; i < 8; i++) {
        pixdim[i] = b.getDouble(104 + 8 * i);
      }
      double[][] srow = new double[3][4];
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 4; c++) {
          srow[r][c] = b.getDouble(400 + 32 * r + 8 * c);
        }
      }
      return new NiftiHeader(2, order, dim, b.getShort(12), b.getShort(14), pixdim, b.getLong(168),
          b.getDouble(176), b.getDouble(184), b.getInt(344), b.getInt(348),
          new double[] {b.getDouble(352), b.getDouble(360), b.getDouble(368)},
          new double[] {b.getDouble(376), b.getDouble(384), b.getDouble(392)}, srow, b.getInt(500),
          string(b, 240, 80), string(b, 320, 24), b.getInt(504),
          new double[] {b.getDouble(80), b.getDouble(88), b.getDouble(96)}, string(b, 508, 16), b.getDouble(200),
          b.getDouble(192), b.getDouble(216), b.getDouble(208), b.getInt(496), b.getLong(224), b.getLong(232),
          b.get(524) & 0xFF);
    }

    private NiftiFormatException badMagic(String text, ByteBuffer b, int at, int len, String want) {
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < len; i++) {
        hex.append(String.format("%02x ", b.get(at + i) & 0xFF));
      }
      String why = text.startsWith("ni") ? " (the header of a two-file .hdr/.img pair; only single-file .nii is"
          + " supported)" : text.isEmpty() ? " (no magic: an Analyze 7.5 header?)" : "";
      return new NiftiFormatException(file, "bad magic '" + text + "' [" + hex.toString().trim() + "], expected "
          + want + why);
    }

    /** Dims, datatype and vox_offset against each other and against the file's size, before any allocation. */
    private void checkHeader() throws IOException {
      NiftiHeader h = header;
      long[] dim = h.dim();
      if (dim[0] < 1 || dim[0] > 7) {
        throw new NiftiFormatException(file, "dim[0] = " + dim[0] + " is outside 1..7");
      }
      long nvox = 1;
      for (int i = 1; i <= dim[0]; i++) {
        if (dim[i] <= 0) {
          throw new NiftiFormatException(file, "dim[" + i + "] = " + dim[i] + " must be positive (dims "
              + Arrays.toString(dim) + ")");
        }
        try {
          nvox = Math.multiplyExact(nvox, dim[i]);
        } catch (ArithmeticException e) {
          throw new NiftiFormatException(file, "dims " + Arrays.toString(dim) + " overflow a 64-bit voxel count");
        }
      }
      for (int i = 5; i <= dim[0]; i++) {
        if (dim[i] != 1) {
          throw new NiftiFormatException(file, "dim[" + i + "] = " + dim[i] + ": only 3-D volumes and 4-D time"
              + " series are supported");
        }
      }
      for (int i = (int) dim[0] + 1; i <= 3; i++) {
        dim[i] = 1; // a 1-D or 2-D image is a volume one voxel thick; unused dims may hold anything
      }
      Optional<NiftiDatatype> type = h.datatype();
      if (type.isEmpty()) {
        String name = NiftiDatatype.describe(h.datatypeCode());
        throw new NiftiFormatException(file, (name.equals("unknown") ? "unknown datatype code " + h.datatypeCode()
            : "datatype " + h.datatypeCode() + " (" + name + ") is not supported") + "; supported: "
            + Arrays.toString(NiftiDatatype.values()));
      }
      int minOffset = (h.version() == 1 ? NIFTI1_HEADER : NIFTI2_HEADER) + 4;
      if (h.voxOffset() < minOffset) {
        throw new NiftiFormatException(file, "vox_offset " + h.voxOffset() + " lies inside the header (a single-"
            + "file NIfTI-" + h.version() + " needs vox_offset >= " + minOffset + ")");
      }
      int bytes = type.get().bytes();
      try {
        needed = Math.addExact(h.voxOffset(), Math.multiplyExact(nvox, bytes));
      } catch (ArithmeticException e) {
        throw new NiftiFormatException(file, "vox_offset " + h.voxOffset() + " + " + nvox + " voxels x " + bytes
            + " bytes overflows");
      }
      long fileSize = Files.size(file);
      if (!gzip) {
        if (h.voxOffset() >= fileSize) {
          throw new NiftiFormatException(file, "vox_offset " + h.voxOffset() + " lies past the end of the file ("
              + fileSize + " bytes)");
        }
        if (fileSize < needed) {
          throw truncated(fileSize, nvox, bytes, "the file has");
        }
      } else if (needed > fileSize * MAX_DEFLATE_RATIO + 1024) {
        throw new NiftiFormatException(file, "truncated data or corrupt dims: the header needs vox_offset "
            + h.voxOffset() + " + " + nvox + " voxels x " + bytes + " bytes = " + needed + " bytes, more than a "
            + fileSize + "-byte gzip file can hold");
      }
      // after the size checks, so a corrupt header is reported as what it most likely is: truncated data
      long volVoxels = dim[1] * dim[2] * dim[3]; // each positive, product <= nvox, so no overflow
      if (dim[1] > Integer.MAX_VALUE || dim[2] > Integer.MAX_VALUE || dim[3] > Integer.MAX_VALUE
          || volVoxels > Integer.MAX_VALUE - 8) {
        throw new NiftiFormatException(file, "a " + dim[1] + "x" + dim[2] + "x" + dim[3]
            + " volume is too large for one Java float array");
      }
    }

    private NiftiFormatException truncated(long have, long nvox, int bytes, String what) {
      return new NiftiFormatException(file, "truncated data: " + what + " " + have + " bytes but vox_offset "
          + header.voxOffset() + " + " + nvox + " voxels x " + bytes + " bytes needs " + needed + " bytes");
    }

    private long nvox() {
      return (needed - header.voxOffset()) / header.datatype().orElseThrow().bytes();
    }

    void skipTo(long target) throws IOException {
      byte[] scratch = new byte[(int) Math.min(CHUNK, Math.max(1, target - position))];
      while (position < target) {
        int n = (int) Math.min(scratch.length, target - position);
        int got = read(scratch, n);
        if (got < n) {
          throw eof();
        }
      }
    }

    void readValues(NiftiDatatype type, float[] out) throws IOException {
      int bytes = type.bytes();
      byte[] buf = new byte[(int) Math.min(CHUNK, (long) out.length * bytes)];
      ByteBuffer bb = ByteBuffer.wrap(buf).order(order);
      boolean scale = header.scales();
      double slope = header.sclSlope();
      double inter = Double.isFinite(header.sclInter()) ? header.sclInter() : 0;
      int done = 0;
      while (done < out.length) {
        int count = Math.min(buf.length / bytes, out.length - done);
        int got = read(buf, count * bytes);
        if (got < count * bytes) {
          throw eof();
        }
        bb.clear();
        for (int i = 0; i < count; i++) {
          double v = switch (type) {
            case UINT8 -> bb.get() & 0xFF;
            case INT8 -> bb.get();
            case INT16 -> bb.getShort();
            case UINT16 -> bb.getShort() & 0xFFFF;
            case INT32 -> bb.getInt();
            case UINT32 -> bb.getInt() & 0xFFFFFFFFL;
            case FLOAT32 -> bb.getFloat();
            case FLOAT64 -> bb.getDouble();
          };
          out[done + i] = (float) (scale ? v * slope + inter : v);
        }
        done += count;
      }
    }

    /** The stream ended early: for a plain file the size check makes this unreachable, for gzip it is not. */
    private NiftiFormatException eof() {
      int bytes = header.datatype().orElseThrow().bytes();
      return truncated(position, nvox(), bytes, "the decompressed data has only");
    }

    private byte[] readFully(int n) throws IOException {
      byte[] b = new byte[n];
      return Arrays.copyOf(b, read(b, n));
    }

    /** Reads up to n bytes (fewer only at the end of the stream); a broken gzip stream is a format error. */
    private int read(byte[] b, int n) throws IOException {
      int got;
      try {
        got = in.readNBytes(b, 0, n);
      } catch (EOFException | ZipException e) {
        throw new NiftiFormatException(file, "gzip stream is truncated or corrupt after " + position
            + " decompressed bytes" + (header == null ? "" : " (the header needs " + needed + ")") + ": "
            + e.getMessage(), e);
      }
      position += got;
      return got;
    }

    private static String string(ByteBuffer b, int at, int len) {
      byte[] bytes = new byte[len];
      b.get(at, bytes);
      int end = 0;
      while (end < len && bytes[end] != 0) {
        end++;
      }
      return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
