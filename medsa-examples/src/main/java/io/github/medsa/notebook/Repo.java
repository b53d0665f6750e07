package io.github.medsa.notebook;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the MedSA-J checkout is, for notebooks that read its bundled data and fixtures: {@code $MEDSA_ROOT} if set,
 * else the nearest directory at or above the kernel's working directory that holds {@code medsa-core} and
 * {@code data}.
 */
public final class Repo {
  private Repo() {}

  public static Path root() {
    String env = System.getenv("MEDSA_ROOT");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath().normalize();
    }
    Path start = Path.of("").toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("medsa-core")) && Files.isDirectory(p.resolve("data"))) {
        return p;
      }
    }
    throw new IllegalStateException("No MedSA-J checkout at or above " + start
        + ": start Jupyter inside the repository or set MEDSA_ROOT");
  }

  /** A path inside the checkout, e.g. {@code Repo.path("data/colin27/ch2.nii.gz")}. */
  public static Path path(String relative) {
    Path p = root().resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException("Missing " + p + " (is MEDSA_ROOT the repository root?)");
    }
    return p;
  }
}
