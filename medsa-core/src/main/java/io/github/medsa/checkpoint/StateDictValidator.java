package io.github.medsa.checkpoint;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Compares a state dict with the names and shapes a model declares, as {@code load_state_dict} does. */
public final class StateDictValidator {
  private StateDictValidator() {}

  /**
   * Lists missing keys (in {@code expected}'s order), unexpected keys (in the dict's order) and shape
   * mismatches. Strict: throws {@link StateDictMismatchException} listing all of them unless the report is
   * clean. Non-strict: returns the report; callers load only keys that are neither missing nor mismatched.
   */
  public static LoadReport validate(StateDict sd, Map<String, long[]> expected, boolean strict) {
    checkNotNull(sd, "state dict");
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
    for (String name : sd.names()) {
      if (!expected.containsKey(name)) {
        unexpected.add(name);
      }
    }
    LoadReport report = new LoadReport(missing, unexpected, mismatches);
    if (strict && !report.isClean()) {
      throw new StateDictMismatchException(report);
    }
    return report;
  }
}
