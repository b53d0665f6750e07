package io.github.medsa.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs the command line capturing its output; paths of shared test data. */
final class CliTesting {
  record Result(int exitCode, String out, String err) {}

  private CliTesting() {}

  static synchronized Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    System.setErr(new PrintStream(err, true));
    int rc;
    try {
      rc = MedSACommand.run(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    oldOut.print(out);
    oldErr.print(err);
    return new Result(rc, out.toString(), err.toString());
  }

  /** The Colin27 128-pixel slices of medsa-adapters' tests (img_zNNN.png with AAL labels in lab_zNNN.png). */
  static Path colin27Slices() {
    return Path.of("..", "medsa-adapters", "src", "test", "resources", "colin27", "128").toAbsolutePath().normalize();
  }

  /** Copies a few pairs into {@code dir}. */
  static Path copyPairs(Path dir, List<String> zs) throws Exception {
    Files.createDirectories(dir);
    for (String z : zs) {
      Files.copy(colin27Slices().resolve("img_z" + z + ".png"), dir.resolve("img_z" + z + ".png"));
      Files.copy(colin27Slices().resolve("lab_z" + z + ".png"), dir.resolve("lab_z" + z + ".png"));
    }
    return dir;
  }

  static Path colin27Volumes() {
    return Path.of("..", "data", "colin27").toAbsolutePath().normalize();
  }
}
