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

  /**
   * Everything that did not match.
   *
   * @return the full report
   */
  public LoadReport report() {
    return report;
  }

  /**
   * Tensors the model needs that the state dict lacks.
   *
   * @return their names
   */
  public List<String> missingKeys() {
    return report.missingKeys();
  }

  /**
   * Tensors in the state dict the model does not use.
   *
   * @return their names
   */
  public List<String> unexpectedKeys() {
    return report.unexpectedKeys();
  }

  /**
   * Tensors present with a shape other than the model's.
   *
   * @return one entry per mis-shaped tensor
   */
  public List<LoadReport.ShapeMismatch> shapeMismatches() {
    return report.shapeMismatches();
  }
}
