package io.github.medsa.checkpoint;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Compares a state dict with the names and shapes a model declares, as {@code load_state_dict} does. */
public final class StateDictValidator {
  private StateDictValidator() {}

  /**
   * Lists missing keys (in {@code expected}'s order), unexpected keys (in the dict's order) and shape
   * mismatches. Strict: throws {@link StateDictMismatchException} listing all of them unless the report is
   * clean. Non-strict: returns the report; callers load only keys that are neither missing nor mismatched.
   *
   * @param sd the loaded tensors
   * @param expected the shapes the model needs, by name
   * @param strict whether any difference throws
   * @return the report of differences
   * @throws StateDictMismatchException if strict and the report is not clean
   * @throws NullPointerException if an argument or an expected shape is null
   */
  public static LoadReport validate(StateDict sd, Map<String, long[]> expected, boolean strict) {
    return validate(sd, expected, name -> false, strict);
  }

  /**
   * As {@link #validate(StateDict, Map, boolean)}, except that keys the model does not declare but
   * {@code unusedByDesign} accepts are listed as {@link LoadReport#ignoredKeys()} rather than unexpected, so
   * strict loading passes them.
   *
   * @param sd the loaded tensors
   * @param expected the shapes the model needs, by name
   * @param unusedByDesign accepts names the model deliberately ignores
   * @param strict whether any difference throws
   * @return the report of differences
   * @throws StateDictMismatchException if strict and the report is not clean
   * @throws NullPointerException if an argument or an expected shape is null
   */
  public static LoadReport validate(StateDict sd, Map<String, long[]> expected, Predicate<String> unusedByDesign,
      boolean strict) {
    checkNotNull(sd, "state dict");
    checkNotNull(unusedByDesign, "unusedByDesign");
    checkNotNull(expected, "expected shapes");
    List<String> missing = new ArrayList<>();
    List<LoadReport.ShapeMismatch> mismatches = new ArrayList<>();
    expected.forEach((name, shape) -> {
      checkNotNull(shape, "expected shape of %s is null", name);
      if (!sd.contains(name)) {
        missing.add(name);
      } else if (!Arrays.equals(shape, sd.shape(name))) {
        mismatches.add(new LoadReport.ShapeMismatch(name, shape, sd.shape(name)));
      }
    });
    List<String> unexpected = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (String name : sd.names()) {
      if (!expected.containsKey(name)) {
        (unusedByDesign.test(name) ? ignored : unexpected).add(name);
      }
    }
    LoadReport report = new LoadReport(missing, unexpected, mismatches, ignored);
    if (strict && !report.isClean()) {
      throw new StateDictMismatchException(report);
    }
    return report;
  }
}
