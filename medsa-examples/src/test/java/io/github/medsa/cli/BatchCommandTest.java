package io.github.medsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.testing.Fixtures;
import io.github.medsa.volume.nifti.NiftiImage;
import io.github.medsa.volume.nifti.NiftiReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code medsa batch} in Spark local mode: one good case, one missing file; option errors exit with 2. */
class BatchCommandTest {
  @TempDir
  Path tmp;

  private static final String CKPT = Fixtures.path("sam-tiny/weights.safetensors").toString();
  private static final String CFG = Fixtures.path("sam-tiny/config.json").toString();
  private static final Path CH2 = CliTesting.colin27Volumes().resolve("ch2.nii.gz");

  @Test
  void segmentsTheCasesAndExitsWith1WhenOneFailed() throws Exception {
    Path cases = tmp.resolve("cases.csv");
    Files.writeString(cases, "case_id,image,box\n"
        + "ch2," + CH2 + ",\"75,95,78,105,125,80\"\n"
        + "missing," + tmp.resolve("nothing.nii.gz") + ",\"1,1,1,2,2,2\"\n");
    Path out = tmp.resolve("out");
    CliTesting.Result r = CliTesting.run("batch", "--master", "local[2]", "--cases", cases.toString(),
        "--checkpoint", CKPT, "--config", CFG, "--out", out.toString(), "--csv");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).contains("failed: missing: FileNotFoundException: " + tmp.resolve("nothing.nii.gz")
        + " does not exist");
    assertThat(r.out()).contains("2 cases: 1 segmented, 0 kept from an earlier run, 1 failed");
    NiftiImage mask = NiftiReader.read(out.resolve("masks/ch2_mask.nii.gz"));
    assertThat(mask.volume().geometry().sameAs(NiftiReader.read(CH2).volume().geometry())).isTrue();
    assertThat(Files.isDirectory(out.resolve("results.parquet"))).isTrue();
    assertThat(Files.isDirectory(out.resolve("results.csv"))).isTrue();
  }

  @Test
  void badOptionsAreExitCode2WithoutStartingSpark() {
    CliTesting.Result r = CliTesting.run("batch", "--cases", "c.csv", "--checkpoint", CKPT, "--out", "o",
        "--adapters", "lora");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--adapters 'lora': use none or medsa");
    CliTesting.Result b = CliTesting.run("batch", "--cases", "c.csv", "--checkpoint", CKPT, "--out", "o",
        "--backbone", "vit_x");
    assertThat(b.exitCode()).isEqualTo(2);
    assertThat(b.err()).contains("unknown backbone 'vit_x': use one of [vit_b, vit_l, vit_h, tiny_vit]");
  }
}
