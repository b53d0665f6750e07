package io.github.medsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.image.RgbImage;
import io.github.medsa.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code medsa segment} on the sam-tiny checkpoint: the mask PNG is the reference mask. */
class SegmentCommandTest {
  @TempDir
  Path tmp;

  @Test
  void writesTheReferenceMaskAndAnOverlay() throws Exception {
    Path image = tmp.resolve("slice.png");
    ImageIO.write(RgbImage.of(Fixtures.npy("sam-tiny/image.npy")).toBufferedImage(), "png", image.toFile());
    Path out = tmp.resolve("out");
    // case_1 of the fixtures: a click and a negative click, single-mask output.
    int rc = MedSACommand.run("segment", "--image", image.toString(),
        "--checkpoint", Fixtures.path("sam-tiny/weights.safetensors").toString(),
        "--config", Fixtures.path("sam-tiny/config.json").toString(),
        "--point", "90,110", "--point", "40,60,0", "--out", out.toString());
    assertThat(rc).isZero();

    BufferedImage mask = ImageIO.read(out.resolve("slice_mask.png").toFile());
    BufferedImage overlay = ImageIO.read(out.resolve("slice_overlay.png").toFile());
    assertThat(overlay.getWidth()).isEqualTo(181);
    assertThat(overlay.getHeight()).isEqualTo(217);
    INDArray ref = Fixtures.npy("sam-tiny/case_1/masks.npy").castTo(DataType.INT).reshape(217, 181);
    INDArray logits = Fixtures.npy("sam-tiny/case_1/mask_logits.npy").reshape(217, 181);
    int differing = 0;
    int foreground = 0;
    for (int y = 0; y < 217; y++) {
      for (int x = 0; x < 181; x++) {
        boolean ours = (mask.getRaster().getSample(x, y, 0)) == 255;
        boolean theirs = ref.getInt(y, x) != 0;
        foreground += theirs ? 1 : 0;
        if (ours != theirs && Math.abs(logits.getFloat(y, x)) >= 1e-3) {
          differing++;
        }
      }
    }
    assertThat(foreground).isPositive();
    assertThat(differing).isZero();
  }

  @Test
  void withoutACheckpointItSaysWhereTheOfficialOnesAre() throws Exception {
    Path image = tmp.resolve("x.png");
    ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "png", image.toFile());
    String err = captureErr(() -> assertThat(MedSACommand.run("segment", "-i", image.toString(), "-p", "1,1"))
        .isEqualTo(MedSACommand.EXIT_USAGE));
    assertThat(err).contains("sam_vit_b_01ec64.pth").contains("https://dl.fbaipublicfiles.com/segment_anything/");
  }

  @Test
  void badInputGivesExitCode2AndNamesTheProblem() throws Exception {
    Path image = tmp.resolve("x.png");
    ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "png", image.toFile());
    String ckpt = Fixtures.path("sam-tiny/weights.pth").toString();
    String cfg = Fixtures.path("sam-tiny/config.json").toString();
    String err = captureErr(() -> assertThat(MedSACommand.run("segment", "-i", image.toString(), "-c", ckpt,
        "--config", cfg, "-p", "1,a")).isEqualTo(2));
    assertThat(err).contains("--point '1,a': 'a' is not a number");
    err = captureErr(() -> assertThat(MedSACommand.run("segment", "-i", image.toString(), "-c", ckpt,
        "--config", cfg, "-p", "20,3")).isEqualTo(2));
    assertThat(err).contains("point 0 (x=20.0, y=3.0) lies outside the 8 x 8");
    Path truncated = tmp.resolve("cut.pth");
    byte[] bytes = Files.readAllBytes(Path.of(ckpt));
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    err = captureErr(() -> assertThat(MedSACommand.run("segment", "-i", image.toString(), "-c",
        truncated.toString(), "--config", cfg, "-p", "2,3")).isEqualTo(2));
    assertThat(err).contains("cut.pth");
  }

  private static String captureErr(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString();
  }
}
