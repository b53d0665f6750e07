package io.github.medsa.checkpoint;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import java.util.List;

/**
 * How a state dict compares with what a model expects: keys the model expects but the dict lacks, keys the
 * dict has but the model does not use, and keys present in both with different shapes (which cannot be
 * loaded; in non-strict mode they are skipped like missing keys). {@code ignoredKeys} are tensors the model
 * knowingly leaves unused (MobileSAM's ImageNet head and BatchNorm's {@code num_batches_tracked}): accepted even
 * by strict loading, and listed here so that nothing is dropped silently.
 */
public record LoadReport(List<String> missingKeys, List<String> unexpectedKeys,
    List<ShapeMismatch> shapeMismatches, List<String> ignoredKeys) {

  /** A key whose shape differs; {@link #toString()} is {@code name: expected [a, b], found [c, d]}. */
  public record ShapeMismatch(String name, long[] expected, long[] found) {
    /**
     * Copies the shapes.
     *
     * @param name the tensor's state-dict name
     * @param expected the shape the model needs
     * @param found the shape in the checkpoint
     * @throws NullPointerException if {@code name} is null
     */
    public ShapeMismatch {
      checkNotNull(name, "name");
      expected = expected.clone();
      found = found.clone();
    }

    /**
     * The shape the model needs.
     *
     * @return a copy of the shape
     */
    @Override
    public long[] expected() {
      return expected.clone();
    }

    /**
     * The shape in the checkpoint.
     *
     * @return a copy of the shape
     */
    @Override
    public long[] found() {
      return found.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ShapeMismatch m && m.name.equals(name) && Arrays.equals(m.expected, expected)
          && Arrays.equals(m.found, found);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(expected) * 7 + Arrays.hashCode(found);
    }

    @Override
    public String toString() {
      return name + ": expected " + Arrays.toString(expected) + ", found " + Arrays.toString(found);
    }
  }

  /**
   * Copies the lists.
   *
   * @param missingKeys tensors the model needs that were absent
   * @param unexpectedKeys tensors present that the model does not use
   * @param shapeMismatches tensors present with the wrong shape
   * @param ignoredKeys tensors present that the model ignores by design
   */
  public LoadReport {
    missingKeys = List.copyOf(missingKeys);
    unexpectedKeys = List.copyOf(unexpectedKeys);
    shapeMismatches = List.copyOf(shapeMismatches);
    ignoredKeys = List.copyOf(ignoredKeys);
  }

  /**
   * A report with no ignored keys.
   *
   * @param missingKeys tensors the model needs that were absent
   * @param unexpectedKeys tensors present that the model does not use
   * @param shapeMismatches tensors present with the wrong shape
   */
  public LoadReport(List<String> missingKeys, List<String> unexpectedKeys, List<ShapeMismatch> shapeMismatches) {
    this(missingKeys, unexpectedKeys, shapeMismatches, List.of());
  }

  /**
   * Nothing missing, nothing unexpected, no shape mismatch (ignored keys by design do not count).
   *
   * @return true if the state dict matches the model
   */
  public boolean isClean() {
    return missingKeys.isEmpty() && unexpectedKeys.isEmpty() && shapeMismatches.isEmpty();
  }

  /**
   * One multi-line description listing every problem.
   *
   * @return the counts, then every key and mismatch
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(missingKeys.size()).append(" missing, ").append(unexpectedKeys.size()).append(" unexpected, ")
        .append(shapeMismatches.size()).append(" shape mismatches");
    if (!ignoredKeys.isEmpty()) {
      sb.append(", ").append(ignoredKeys.size()).append(" unused by design");
    }
    missingKeys.forEach(k -> sb.append("\n  missing key: ").append(k));
    unexpectedKeys.forEach(k -> sb.append("\n  unexpected key: ").append(k));
    shapeMismatches.forEach(m -> sb.append("\n  shape mismatch: ").append(m));
    ignoredKeys.forEach(k -> sb.append("\n  unused by design: ").append(k));
    return sb.toString();
  }
}
