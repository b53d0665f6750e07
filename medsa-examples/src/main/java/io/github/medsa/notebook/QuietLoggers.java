package io.github.medsa.notebook;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Keeps out of notebook outputs the ND4J warnings a user cannot act on. */
final class QuietLoggers {
  private static final List<String> NAMES = List.of(
      "org.nd4j.imports.converters.ImportClassMapping",        // "Duplicate TF op mapping found for op Pow"
      "org.nd4j.autodiff.functions.DifferentialFunction");    // "No fields found for property name padValue"

  private QuietLoggers() {}

  /** Raises the noisy loggers to ERROR when logback is the binding (it is in medsa-examples). */
  static void apply() {
    for (String name : NAMES) {
      if (LoggerFactory.getLogger(name) instanceof Logger logback) {
        logback.setLevel(Level.ERROR);
      }
    }
  }
}
