package io.github.medsa.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What both PyTorch containers share: finding the state dict in the unpickled object, loading tensors. */
final class PthTensors {
  /** Supplies the bytes of a storage (the whole root storage named by {@link StorageRef#key()}). */
  interface StorageSource {
    ByteBuffer bytes(StorageRef storage) throws IOException;

    /** How to name the storage in messages (e.g. the zip entry name). */
    String describe(StorageRef storage);
  }

  private PthTensors() {}

  /**
   * The tensors of the unpickled object, in file order: the object itself when it is a state dict, else
   * its {@code state_dict} or {@code model} entry (training checkpoints). Non-tensor entries are skipped.
   */
  static Map<String, TensorRef> stateDictOf(Path file, Object root) throws CheckpointFormatException {
    if (!(root instanceof Map<?, ?> map)) {
      throw CheckpointFormatException.of(file, "the pickled object is a %s, not a state dict",
          root == null ? "None" : root.getClass().getSimpleName());
    }
    Map<String, TensorRef> tensors = tensorsOf(map);
    if (tensors.isEmpty()) {
      for (String wrapper : List.of("state_dict", "model")) {
        if (map.get(wrapper) instanceof Map<?, ?> inner) {
          tensors = tensorsOf(inner);
          if (!tensors.isEmpty()) {
            break;
          }
        }
      }
    }
    if (tensors.isEmpty()) {
      throw CheckpointFormatException.of(file, "no tensors found in the pickled object (keys %s)",
          abbreviate(map.keySet()));
    }
    return tensors;
  }

  private static Map<String, TensorRef> tensorsOf(Map<?, ?> map) {
    Map<String, TensorRef> out = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (k instanceof String name && v instanceof TensorRef t) {
        out.put(name, t);
      }
    });
    return out;
  }

  private static String abbreviate(Iterable<?> keys) {
    List<String> l = new ArrayList<>();
    for (Object k : keys) {
      if (l.size() == 5) {
        l.add("...");
        break;
      }
      l.add(String.valueOf(k));
    }
    return l.toString();
  }

  /** Loads every tensor, reading each storage once; keeps the order of {@code refs}. */
  static StateDict materialize(Path file, Map<String, TensorRef> refs, StorageSource source)
      throws IOException {
    Map<String, List<String>> byStorage = new LinkedHashMap<>();
    refs.forEach((name, ref) -> byStorage.computeIfAbsent(ref.storage().key(), k -> new ArrayList<>()).add(name));
    Map<String, INDArray> loaded = new LinkedHashMap<>();
    for (List<String> names : byStorage.values()) {
      // Reject unsupported dtypes before reading anything.
      for (String name : names) {
        StorageRef s = refs.get(name).storage();
        if (!s.dtype().isReadable()) {
          throw new UnsupportedDtypeException(file, name, s.dtype().name());
        }
      }
      StorageRef root = refs.get(names.get(0)).storage();
      ByteBuffer bytes = source.bytes(root);
      for (String name : names) {
        TensorRef t = refs.get(name);
        StorageRef s = t.storage();
        ByteBuffer view = bytes;
        if (s.viewOffset() != 0 || s.viewSize() != s.numel()) {
          long from = Math.min(s.viewOffset() * s.dtype().bytes(), bytes.limit());
          long to = Math.min((s.viewOffset() + s.viewSize()) * s.dtype().bytes(), bytes.limit());
          view = bytes.duplicate().position((int) from).limit((int) to).slice();
        }
        loaded.put(name, TensorDecoder.decode(file, name, source.describe(s), view, s.dtype(),
            t.storageOffset(), t.size(), t.stride()));
      }
    }
    Map<String, INDArray> ordered = new LinkedHashMap<>();
    refs.keySet().forEach(name -> ordered.put(name, loaded.get(name)));
    return StateDict.of(ordered);
  }
}
