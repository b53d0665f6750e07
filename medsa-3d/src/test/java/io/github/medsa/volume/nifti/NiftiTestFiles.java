package io.github.medsa.volume.nifti;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where the test NIfTI files are. */
final class NiftiTestFiles {
  private NiftiTestFiles() {
  }

  /** Repo-root {@code data/colin27}: surefire runs with the module folder (medsa-3d) as working directory. */
  static Path colin27(String name) {
    return Path.of(System.getProperty("user.dir")).resolve("../data/colin27").resolve(name).normalize();
  }

  /** A file from {@code src/test/resources/nifti/} (nibabel's test data). */
  static Path resource(String name) {
    try {
      return Path.of(NiftiTestFiles.class.getResource("/nifti/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource nifti/" + name, e);
    }
  }
}
