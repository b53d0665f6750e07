package io.github.medsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit 2 only for what the user gave, naming it; 1 for everything else, with the cause. */
class ExitCodeTest {
  @TempDir
  Path tmp;

  @Test
  void onlyUserInputIsExitCode2() {
    assertThat(MedSACommand.exitCode(new UserInputException("--epochs must be positive, got 0"))).isEqualTo(2);
    IOException disk = new IOException("No space left on device");
    assertThat(MedSACommand.exitCode(disk)).isEqualTo(1);
    assertThat(MedSACommand.exitCode(new IllegalArgumentException("internal: shape [2, 3]"))).isEqualTo(1);
    assertThat(MedSACommand.message(new UserInputException("--epochs must be positive, got 0")))
        .isEqualTo("medsa: --epochs must be positive, got 0");
    assertThat(MedSACommand.message(new RuntimeException("write failed", disk)))
        .isEqualTo("medsa: failed: java.lang.RuntimeException: write failed\n"
            + "  caused by: java.io.IOException: No space left on device");
  }

  @Test
  void aCorruptVolumeTheUserGaveIsExitCode2NamingTheOption() throws Exception {
    Path[] pair = TrainVolumeCommandTest.tinyVolumePair(tmp.resolve("data"));
    Path broken = tmp.resolve("broken.nii.gz");
    Files.write(broken, new byte[] {1, 2, 3, 4});
    CliTesting.Result r = CliTesting.run("train", "--image-volume", pair[0].toString(), "--label-volume",
        broken.toString(), "--labels", "5", "--slices", "4", "--random-init", "--config",
        Fixtures.path("sam-tiny/config.json").toString(), "--out", tmp.resolve("o").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("medsa: --label-volume").contains("broken.nii.gz");
  }
}
