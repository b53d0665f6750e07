package io.github.medsa.checkpoint;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's legacy (pre-1.6, non-zip) container, one stream: pickled magic number, pickled protocol
 * version, pickled system info, the pickled object (persistent ids
 * {@code ('storage', type, key, location, numel, view_metadata)}), a pickled list of storage keys, then for
 * each key in that order an 8-byte little-endian element count and the raw little-endian elements.
 */
final class PthLegacyReader {
  static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
  private static final long PROTOCOL_VERSION = 1001;

  private PthLegacyReader() {}

  /** The tensors, without reading any storage. */
  static Map<String, TensorRef> readIndex(Path file) throws IOException {
    try (CountingInputStream in = open(file)) {
      return readHeaderAndIndex(file, in);
    }
  }

  static StateDict read(Path file) throws IOException {
    try (CountingInputStream in = open(file)) {
      Map<String, TensorRef> refs = readHeaderAndIndex(file, in);
      Map<String, StorageRef> roots = new HashMap<>();
      refs.values().forEach(t -> roots.putIfAbsent(t.storage().key(), t.storage()));
      Object keyList = TorchUnpickler.loadOne(file, in, in.remaining(), true, "storage key list");
      if (!(keyList instanceof List<?> keys)) {
        throw CheckpointFormatException.of(file, "corrupt: expected the list of storage keys, found %s",
            keyList == null ? "None" : keyList.getClass().getSimpleName());
      }
      Map<String, ByteBuffer> storages = new HashMap<>();
      for (Object k : keys) {
        String key = String.valueOf(k);
        StorageRef root = roots.get(key);
        int elementBytes = root == null ? 4 : root.dtype().bytes();
        long count;
        try {
          count = in.readLongLE();
        } catch (EOFException e) {
          throw CheckpointFormatException.of(file, "truncated: the size of storage %s is cut off at byte %d",
              key, in.position());
        }
        if (count < 0 || count > in.remaining() / elementBytes) {
          throw CheckpointFormatException.of(file,
              "truncated: storage %s claims %d elements (%d bytes each) but only %d bytes remain", key, count,
              elementBytes, in.remaining());
        }
        long bytes = count * elementBytes;
        if (bytes > Integer.MAX_VALUE - 8) {
          throw CheckpointFormatException.of(file, "storage %s of %d bytes is too large", key, bytes);
        }
        if (root == null) {
          in.skipNBytes(bytes);
        } else {
          storages.put(key, ByteBuffer.wrap(in.readExactly((int) bytes)).order(ByteOrder.LITTLE_ENDIAN));
        }
      }
      for (String key : roots.keySet()) {
        if (!storages.containsKey(key)) {
          throw CheckpointFormatException.of(file, "storage %s is used by a tensor but not stored", key);
        }
      }
      return PthTensors.materialize(file, refs, new PthTensors.StorageSource() {
        @Override
        public ByteBuffer bytes(StorageRef storage) {
          return storages.get(storage.key());
        }

        @Override
        public String describe(StorageRef storage) {
          return storage.key();
        }
      });
    } catch (EOFException e) {
      throw CheckpointFormatException.wrap(file, "truncated", e);
    }
  }

  private static CountingInputStream open(Path file) throws IOException {
    return new CountingInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), Files.size(file));
  }

  private static Map<String, TensorRef> readHeaderAndIndex(Path file, CountingInputStream in)
      throws IOException {
    Object magic = TorchUnpickler.loadOne(file, in, in.remaining(), true, "magic number");
    if (!(magic instanceof BigInteger b) || !b.equals(MAGIC)) {
      throw CheckpointFormatException.of(file, "not a legacy PyTorch file (magic number %s)", magic);
    }
    Object protocol = TorchUnpickler.loadOne(file, in, in.remaining(), true, "protocol version");
    if (!(protocol instanceof Number p) || p.longValue() != PROTOCOL_VERSION) {
      throw CheckpointFormatException.of(file, "unsupported legacy protocol version %s", protocol);
    }
    Object sysInfo = TorchUnpickler.loadOne(file, in, in.remaining(), true, "system info");
    if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
      throw CheckpointFormatException.of(file, "big-endian legacy files are not supported");
    }
    Object root = TorchUnpickler.loadOne(file, in, in.remaining(), true, "state dict pickle");
    return PthTensors.stateDictOf(file, root);
  }
}
