package io.github.medsa.checkpoint;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a checkpoint holds, read without loading any tensor data: safetensors headers only, the pickle
 * only for PyTorch files. Shapes are under official SAM names (translated when {@code huggingFaceNames}).
 */
public record CheckpointInfo(Path file, CheckpointFormat format, boolean huggingFaceNames,
    Map<String, long[]> shapes, Map<String, TensorDtype> dtypes, int tensorCount, long elementCount) {

  /**
   * Copies the maps, keeping their order.
   *
   * @param file the inspected file
   * @param format its container format
   * @param huggingFaceNames whether it used Hugging Face names (translated here)
   * @param shapes tensor shapes by official SAM name
   * @param dtypes stored element types by official SAM name
   * @param tensorCount number of tensors
   * @param elementCount total number of elements
   */
  public CheckpointInfo {
    shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
    dtypes = Collections.unmodifiableMap(new LinkedHashMap<>(dtypes));
  }

  /**
   * Inspects {@code file}: names, shapes and dtypes, without loading the tensors' data.
   *
   * @param file the checkpoint file
   * @return what it holds, under official SAM names
   * @throws CheckpointFormatException for unknown or corrupt files
   * @throws IOException if the file cannot be read
   */
  public static CheckpointInfo inspect(Path file) throws IOException {
    checkNotNull(file, "file");
    CheckpointFormat format = Checkpoints.detect(file);
    Map<String, long[]> shapes = new LinkedHashMap<>();
    Map<String, TensorDtype> dtypes = new LinkedHashMap<>();
    try {
      switch (format) {
        case SAFETENSORS -> {
          try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Safetensors.readHeader(file, ch).entries().values().forEach(e -> {
              shapes.put(e.name(), e.shape());
              dtypes.put(e.name(), e.dtype());
            });
          }
        }
        case PTH_ZIP, PTH_LEGACY -> {
          Map<String, TensorRef> refs = format == CheckpointFormat.PTH_ZIP ? PthZipReader.readIndex(file)
              : PthLegacyReader.readIndex(file);
          refs.forEach((name, t) -> {
            shapes.put(name, t.size().clone());
            dtypes.put(name, t.storage().dtype());
          });
        }
        default -> throw new IllegalStateException(format.name());
      }
    } catch (CheckpointFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw CheckpointFormatException.wrap(file, "cannot inspect " + format + " checkpoint", e);
    }
    boolean hf = HuggingFaceNames.looksLikeHf(shapes.keySet());
    Map<String, long[]> samShapes = shapes;
    Map<String, TensorDtype> samDtypes = dtypes;
    if (hf) {
      samShapes = HuggingFaceNames.translateToSam(file, shapes, Arrays::equals);
      samDtypes = HuggingFaceNames.translateToSam(file, dtypes, TensorDtype::equals);
    }
    long elements = 0;
    for (long[] s : samShapes.values()) {
      elements += Arrays.stream(s).reduce(1, Math::multiplyExact);
    }
    return new CheckpointInfo(file, format, hf, samShapes, samDtypes, samShapes.size(), elements);
  }

  /**
   * The name of the first candidate whose names and shapes are exactly this checkpoint's (order ignored),
   * e.g. among the SAM presets {@code vit_b}, {@code vit_l}, {@code vit_h}.
   *
   * @param candidates name to expected shapes by tensor name
   * @return the first matching candidate's name, or empty
   * @throws NullPointerException if {@code candidates} is null
   */
  public Optional<String> matchingPreset(Map<String, Map<String, long[]>> candidates) {
    checkNotNull(candidates, "candidates");
    for (Map.Entry<String, Map<String, long[]>> c : candidates.entrySet()) {
      if (sameShapes(c.getValue())) {
        return Optional.of(c.getKey());
      }
    }
    return Optional.empty();
  }

  private boolean sameShapes(Map<String, long[]> other) {
    return matches(other, name -> false);
  }

  /**
   * Whether this checkpoint holds exactly {@code expected}'s names and shapes (order ignored) once the tensors
   * {@code unusedByDesign} accepts are set aside (e.g. MobileSAM's ImageNet head).
   *
   * @param expected a model's names and shapes
   * @param unusedByDesign checkpoint tensors that model knowingly leaves unused
   * @return whether the checkpoint is that model's
   */
  public boolean matches(Map<String, long[]> expected, Predicate<String> unusedByDesign) {
    checkNotNull(expected, "expected");
    long used = shapes.keySet().stream().filter(k -> !unusedByDesign.test(k)).count();
    if (used != expected.size()) {
      return false;
    }
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      if (!Arrays.equals(e.getValue(), shapes.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
