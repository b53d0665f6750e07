package io.github.medsa.checkpoint;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}}, then the raw
 * little-endian data (offsets relative to the end of the header). Names are returned as stored; use
 * {@link Checkpoints#read} for Hugging Face name translation.
 */
public final class Safetensors {
  /** The reference implementation refuses larger headers too. */
  static final long MAX_HEADER_BYTES = 100_000_000L;
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private Safetensors() {}

  /** One tensor's header entry. */
  record Entry(String name, TensorDtype dtype, long[] shape, long begin, long end) {}

  /** The parsed header: tensors in header order, metadata, and where the data starts. */
  record Header(Map<String, Entry> entries, Map<String, String> metadata, long dataStart) {}

  /**
   * Every tensor as float32 (F32 as stored; F16, BF16 and F64 converted), in header order. Throws
   * {@link UnsupportedDtypeException} for other dtypes and {@link CheckpointFormatException} for corrupt or
   * truncated files.
   *
   * @param file the {@code .safetensors} file
   * @return the tensors under the file's own names
   * @throws IOException if the file cannot be read, has an unsupported dtype or is corrupt or truncated
   */
  public static StateDict read(Path file) throws IOException {
    checkNotNull(file, "file");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Header h = readHeader(file, ch);
      Map<String, INDArray> out = new LinkedHashMap<>();
      for (Entry e : h.entries().values()) {
        if (!e.dtype().isReadable()) {
          throw new UnsupportedDtypeException(file, e.name(), e.dtype().name());
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) (e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, bytes, h.dataStart() + e.begin());
        long[] stride = contiguousStrides(e.shape());
        out.put(e.name(), TensorDecoder.decode(file, e.name(), "data of " + e.name(), bytes, e.dtype(), 0,
            e.shape(), stride));
      }
      return StateDict.of(out);
    }
  }

  /**
   * The {@code __metadata__} string map of the header (empty when absent).
   *
   * @param file the {@code .safetensors} file
   * @return the metadata, key to value
   * @throws IOException if the file cannot be read or its header is corrupt
   */
  public static Map<String, String> metadata(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return readHeader(file, ch).metadata();
    }
  }

  /**
   * Writes every tensor as F32, keys sorted, data in key order, the JSON header padded with spaces to a
   * multiple of 8 bytes as the reference implementation does.
   *
   * @param file the file to create or overwrite
   * @param stateDict the tensors to write
   * @throws IOException if the file cannot be written
   * @throws NullPointerException if an argument is null
   */
  public static void write(Path file, StateDict stateDict) throws IOException {
    checkNotNull(file, "file");
    checkNotNull(stateDict, "stateDict");
    Map<String, INDArray> sorted = new TreeMap<>(stateDict.asMap());
    JsonObject header = new JsonObject();
    long offset = 0;
    for (Map.Entry<String, INDArray> e : sorted.entrySet()) {
      JsonObject t = new JsonObject();
      t.addProperty("dtype", "F32");
      JsonArray shape = new JsonArray();
      for (long s : e.getValue().shape()) {
        shape.add(s);
      }
      t.add("shape", shape);
      long bytes = e.getValue().length() * 4L;
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offsets.add(offset + bytes);
      t.add("data_offsets", offsets);
      header.add(e.getKey(), t);
      offset += bytes;
    }
    byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(ch, head);
      for (INDArray a : sorted.values()) {
        float[] values = a.dup('c').data().asFloat();
        ByteBuffer buf = ByteBuffer.allocate((int) a.length() * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values, 0, (int) a.length());
        writeFully(ch, buf);
      }
    }
  }

  /** Parses and validates the header against the file's length; reads no tensor data. */
  static Header readHeader(Path file, FileChannel ch) throws IOException {
    long fileSize = ch.size();
    if (fileSize < 8) {
      throw CheckpointFormatException.of(file, "truncated: %d bytes, too short for a safetensors header",
          fileSize);
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(file, ch, lenBuf, 0);
    long n = lenBuf.getLong(0);
    if (n < 0 || n > fileSize - 8) {
      throw CheckpointFormatException.of(file, "header length %s exceeds file size %d", Long.toUnsignedString(n),
          fileSize);
    }
    if (n > MAX_HEADER_BYTES) {
      throw CheckpointFormatException.of(file, "header length %d exceeds the limit of %d", n, MAX_HEADER_BYTES);
    }
    ByteBuffer json = ByteBuffer.allocate((int) n);
    readFully(file, ch, json, 8);
    JsonObject root;
    try {
      JsonElement parsed = JsonParser.parseString(new String(json.array(), StandardCharsets.UTF_8));
      if (!parsed.isJsonObject()) {
        throw CheckpointFormatException.of(file, "corrupt header: not a JSON object");
      }
      root = parsed.getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw CheckpointFormatException.wrap(file, "corrupt header JSON", e);
    }
    long dataStart = 8 + n;
    long dataSize = fileSize - dataStart;
    Map<String, Entry> entries = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    List<long[]> ranges = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : root.entrySet()) {
      String name = e.getKey();
      try {
        JsonObject t = e.getValue().getAsJsonObject();
        if (name.equals("__metadata__")) {
          t.entrySet().forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
          continue;
        }
        String dtypeName = t.get("dtype").getAsString();
        TensorDtype dtype = TensorDtype.fromSafetensors(dtypeName)
            .orElseThrow(() -> new UnsupportedDtypeException(file, name, dtypeName));
        JsonArray shapeJson = t.getAsJsonArray("shape");
        long[] shape = new long[shapeJson.size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = shapeJson.get(i).getAsLong();
        }
        JsonArray off = t.getAsJsonArray("data_offsets");
        if (off.size() != 2) {
          throw CheckpointFormatException.of(file, "corrupt header: data_offsets of %s is not [begin, end]", name);
        }
        long begin = off.get(0).getAsLong();
        long end = off.get(1).getAsLong();
        long count = TensorDecoder.elementCount(file, name, shape);
        if (begin < 0 || end < begin || end > dataSize) {
          throw CheckpointFormatException.of(file,
              "truncated: tensor %s needs bytes %d..%d of the data, which holds %d bytes", name, begin, end,
              dataSize);
        }
        if (end - begin != count * dtype.bytes()) {
          throw CheckpointFormatException.of(file, "corrupt header: tensor %s of shape %s and dtype %s spans %d "
              + "bytes, expected %d", name, java.util.Arrays.toString(shape), dtype, end - begin,
              count * dtype.bytes());
        }
        entries.put(name, new Entry(name, dtype, shape, begin, end));
        ranges.add(new long[] {begin, end});
      } catch (CheckpointFormatException ex) {
        throw ex;
      } catch (RuntimeException ex) {
        throw CheckpointFormatException.wrap(file, "corrupt header entry " + name, ex);
      }
    }
    ranges.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < ranges.size(); i++) {
      if (ranges.get(i)[0] < ranges.get(i - 1)[1]) {
        throw CheckpointFormatException.of(file, "corrupt header: tensor data ranges overlap");
      }
    }
    return new Header(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata), dataStart);
  }

  static long[] contiguousStrides(long[] shape) {
    long[] stride = new long[shape.length];
    long s = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      stride[d] = s;
      s *= shape[d];
    }
    return stride;
  }

  private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw CheckpointFormatException.of(file, "truncated at byte %d", pos);
      }
      pos += n;
    }
    buf.flip();
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

}
