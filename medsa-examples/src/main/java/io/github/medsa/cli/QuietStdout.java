package io.github.medsa.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Drops SameDiff's "Added differentiated op ..." lines, which it prints straight to standard output (not through
 * a logger) every time a training graph is differentiated, from the command line's output.
 */
final class QuietStdout extends OutputStream {
  private final PrintStream target;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  private QuietStdout(PrintStream target) {
    this.target = target;
  }

  static void install() {
    System.setOut(new PrintStream(new QuietStdout(System.out), true, StandardCharsets.UTF_8));
  }

  @Override
  public synchronized void write(int b) {
    line.write(b);
    if (b == '\n' || b == '\r') {
      String s = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (!s.startsWith("Added differentiated op")) {
        target.print(s);
        target.flush();
      }
    }
  }

  @Override
  public synchronized void flush() {
    String s = line.toString(StandardCharsets.UTF_8);
    if (!s.isEmpty() && !"Added differentiated op".startsWith(s) && !s.startsWith("Added differentiated op")) {
      target.print(s);
      line.reset();
    }
    target.flush();
  }
}
