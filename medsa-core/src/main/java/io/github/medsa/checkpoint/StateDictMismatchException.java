package io.github.medsa.checkpoint;

import java.util.List;

/**
 * Strict loading found problems; the message lists every missing key, every unexpected key and every shape
 * mismatch ({@code name: expected [a, b], found [c, d]}).
 */
public final class StateDictMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final transient LoadReport report;

  StateDictMismatchException(LoadReport report) {
    super("state dict does not match the model: " + report.describe());
    this.report = report;
  }

  public LoadReport report() {
    return report;
  }

  public List<String> missingKeys() {
    return report.missingKeys();
  }

  public List<String> unexpectedKeys() {
    return report.unexpectedKeys();
  }

  public List<LoadReport.ShapeMismatch> shapeMismatches() {
    return report.shapeMismatches();
  }
}
