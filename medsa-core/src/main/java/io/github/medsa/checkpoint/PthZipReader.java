package io.github.medsa.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The {@code torch.save} zip container: {@code <prefix>/data.pkl} and one entry {@code <prefix>/data/<key>}
 * per storage. Storages are read by entry, so alignment or padding does not matter.
 */
final class PthZipReader implements AutoCloseable {
  private final Path file;
  private final long fileLength;
  private final ZipFile zip;
  private final String prefix;

  private PthZipReader(Path file) throws IOException {
    this.file = file;
    this.fileLength = Files.size(file);
    try {
      this.zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw CheckpointFormatException.wrap(file, "not a readable zip archive (truncated or corrupt)", e);
    }
    String found = null;
    Enumeration<? extends ZipEntry> entries = zip.entries();
    while (entries.hasMoreElements()) {
      String name = entries.nextElement().getName();
      if (name.equals("data.pkl") || name.endsWith("/data.pkl")) {
        found = name.substring(0, name.length() - "data.pkl".length());
        break;
      }
    }
    if (found == null) {
      zip.close();
      throw CheckpointFormatException.of(file, "zip archive holds no data.pkl: not a PyTorch checkpoint");
    }
    this.prefix = found;
  }

  static Map<String, TensorRef> readIndex(Path file) throws IOException {
    try (PthZipReader r = new PthZipReader(file)) {
      return r.index();
    }
  }

  static StateDict read(Path file) throws IOException {
    try (PthZipReader r = new PthZipReader(file)) {
      Map<String, TensorRef> refs = r.index();
      return PthTensors.materialize(file, refs, new PthTensors.StorageSource() {
        @Override
        public ByteBuffer bytes(StorageRef storage) throws IOException {
          return r.storage(storage);
        }

        @Override
        public String describe(StorageRef storage) {
          return r.prefix + "data/" + storage.key();
        }
      });
    }
  }

  private Map<String, TensorRef> index() throws IOException {
    ZipEntry order = zip.getEntry(prefix + "byteorder");
    if (order != null && order.getSize() >= 0 && order.getSize() < 64) {
      try (InputStream in = zip.getInputStream(order)) {
        String value = new String(in.readNBytes(64), java.nio.charset.StandardCharsets.US_ASCII).trim();
        if (!value.equals("little")) {
          throw CheckpointFormatException.of(file, "storages are %s-endian; only little-endian is supported",
              value);
        }
      }
    }
    String name = prefix + "data.pkl";
    ZipEntry e = zip.getEntry(name);
    long size = checkedSize(e);
    try (InputStream in = zip.getInputStream(e)) {
      Object root = TorchUnpickler.loadOne(file, in, size, false, name);
      return PthTensors.stateDictOf(file, root);
    } catch (ZipException ex) {
      throw CheckpointFormatException.wrap(file, "corrupt zip entry " + name, ex);
    }
  }

  private ByteBuffer storage(StorageRef storage) throws IOException {
    String name = prefix + "data/" + storage.key();
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      throw CheckpointFormatException.of(file, "storage entry %s is missing", name);
    }
    long size = checkedSize(e);
    byte[] bytes;
    try (InputStream in = zip.getInputStream(e)) {
      bytes = in.readNBytes((int) size);
    } catch (ZipException | java.io.EOFException ex) {
      throw CheckpointFormatException.wrap(file, "truncated or corrupt storage entry " + name, ex);
    }
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private long checkedSize(ZipEntry e) throws CheckpointFormatException {
    long size = e.getSize();
    if (size < 0 || size > fileLength || size > Integer.MAX_VALUE - 8
        || (e.getMethod() == ZipEntry.STORED && e.getCompressedSize() > fileLength)) {
      throw CheckpointFormatException.of(file, "zip entry %s claims %d bytes but the file has %d", e.getName(),
          size, fileLength);
    }
    return size;
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
