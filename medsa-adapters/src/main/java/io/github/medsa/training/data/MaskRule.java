package io.github.medsa.training.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * How the raw sample values of a label image (0..255 for 8-bit, 0..65535 for 16-bit PNGs, never rescaled)
 * become a binary mask. The rule is stated by the caller, so no label table is needed:
 * <ul>
 *   <li>{@link #nonZero()}: value &gt; 0 (any labelled structure);</li>
 *   <li>{@link #labels(int...)}: value in a set, e.g. AAL thalamus {@code labels(77, 78)};</li>
 *   <li>{@link #threshold(int)}: value &gt;= t, e.g. {@code threshold(128)} for 0/255 masks.</li>
 * </ul>
 */
public final class MaskRule implements IntPredicate {
  private final IntPredicate test;
  private final String description;

  private MaskRule(IntPredicate test, String description) {
    this.test = test;
    this.description = description;
  }

  /** @return the rule: foreground where the value is greater than 0 */
  public static MaskRule nonZero() {
    return new MaskRule(v -> v > 0, "value > 0");
  }

  /**
   * Foreground where the value is one of {@code values}.
   *
   * @param values the foreground label values
   * @return the rule
   * @throws IllegalArgumentException if no value is given
   */
  public static MaskRule labels(int... values) {
    checkNotNull(values, "values");
    checkArgument(values.length > 0, "labels(...) needs at least one label value");
    int[] sorted = values.clone();
    Arrays.sort(sorted);
    return new MaskRule(v -> Arrays.binarySearch(sorted, v) >= 0, "value in " + Arrays.toString(sorted));
  }

  /**
   * Foreground where the value is at least {@code t}.
   *
   * @param t the smallest foreground value
   * @return the rule
   */
  public static MaskRule threshold(int t) {
    return new MaskRule(v -> v >= t, "value >= " + t);
  }

  /**
   * Any other rule, with a description used in messages.
   *
   * @param description what the rule tests, for messages
   * @param foreground which values are foreground
   * @return the rule
   * @throws NullPointerException if an argument is null
   */
  public static MaskRule of(String description, IntPredicate foreground) {
    checkNotNull(foreground, "foreground");
    return new MaskRule(foreground, checkNotNull(description, "description"));
  }

  @Override
  public boolean test(int value) {
    return test.test(value);
  }

  @Override
  public String toString() {
    return "MaskRule[" + description + "]";
  }
}
