package io.github.medsa.notebook;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Keeps ND4J's internal chatter out of notebook outputs: SameDiff prints one "Added differentiated op" line per op
 * to stdout when it builds a gradient graph (hundreds per training run), and a few loggers warn about things a
 * user cannot act on. Everything else passes through unchanged.
 */
final class QuietOutput extends OutputStream {
  static final List<String> DROPPED_LINES = List.of("Added differentiated op ");
  private static final List<String> QUIET_LOGGERS = List.of(
      "org.nd4j.imports.converters.ImportClassMapping",        // "Duplicate TF op mapping found for op Pow"
      "org.nd4j.autodiff.functions.DifferentialFunction");    // "No fields found for property name padValue"

  private final OutputStream target;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  private QuietOutput(OutputStream target) {
    this.target = target;
  }

  /** {@code out} with the dropped lines filtered out. */
  static PrintStream filter(PrintStream out) {
    return new PrintStream(new QuietOutput(out), true, StandardCharsets.UTF_8);
  }

  /** Raises the noisy loggers to ERROR when logback is the binding (it is in medsa-examples). */
  static void quietLoggers() {
    for (String name : QUIET_LOGGERS) {
      if (LoggerFactory.getLogger(name) instanceof Logger logback) {
        logback.setLevel(Level.ERROR);
      }
    }
  }

  @Override
  public synchronized void write(int b) throws IOException {
    line.write(b);
    if (b == '\n') {
      emit();
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  /** A partial line goes out on flush unless it may still become a dropped line. */
  @Override
  public synchronized void flush() throws IOException {
    String pending = line.toString(StandardCharsets.UTF_8);
    boolean maybeDropped = DROPPED_LINES.stream().anyMatch(p -> pending.startsWith(p) || p.startsWith(pending));
    if (!pending.isEmpty() && !maybeDropped) {
      emit();
    }
    target.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    flush();
  }

  private void emit() throws IOException {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (DROPPED_LINES.stream().noneMatch(text::startsWith)) {
      target.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
