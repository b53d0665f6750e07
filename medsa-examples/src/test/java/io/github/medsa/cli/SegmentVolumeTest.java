package io.github.medsa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.github.medsa.testing.Fixtures;
import io.github.medsa.volume.Geometry;
import io.github.medsa.volume.Volume;
import io.github.medsa.volume.nifti.NiftiDatatype;
import io.github.medsa.volume.nifti.NiftiImage;
import io.github.medsa.volume.nifti.NiftiReader;
import io.github.medsa.volume.nifti.NiftiWriter;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code segment} on the Colin27 volume with the sam-tiny model: NIfTI out on the source grid. */
class SegmentVolumeTest {
  @TempDir
  Path tmp;

  private static final String CKPT = Fixtures.path("sam-tiny/weights.pth").toString();
  private static final String CFG = Fixtures.path("sam-tiny/config.json").toString();
  private static final Path CH2 = CliTesting.colin27Volumes().resolve("ch2.nii.gz");

  @Test
  void boxOnThreeSlicesGivesANiftiMaskWithTheSourceAffine() throws Exception {
    Path out = tmp.resolve("out");
    CliTesting.Result r = CliTesting.run("segment", "--image", CH2.toString(), "--checkpoint", CKPT, "--config", CFG,
        "--box-3d", "75,95,78,105,125,80", "--click", "90,110,79", "--probabilities", "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("(3 prompted slices)");
    NiftiImage source = NiftiReader.read(CH2);
    NiftiImage mask = NiftiReader.read(out.resolve("ch2_mask.nii.gz"));
    Geometry g = mask.volume().geometry();
    Geometry src = source.volume().geometry();
    assertThat(g.dims()).containsExactly(181, 217, 181);
    for (int row = 0; row < 4; row++) {
      assertThat(g.affine()[row]).as("affine row %s", row).containsExactly(src.affine()[row], offset(1e-5));
    }
    assertThat(g.spacing()).containsExactly(src.spacing(), offset(1e-6));
    Volume m = mask.volume();
    int foreground = 0;
    for (int z = 0; z < g.nz(); z++) {
      for (int y = 0; y < g.ny(); y += 3) {
        for (int x = 0; x < g.nx(); x += 3) {
          float v = m.get(x, y, z);
          assertThat(v == 0f || v == 1f).isTrue();
          foreground += (int) v;
          if (z < 78 || z > 80) {
            assertThat(v).as("unprompted slice %s", z).isZero();
          }
        }
      }
    }
    assertThat(foreground).as("mask voxels on the prompted slices (every 3rd x, y)").isPositive();
    Volume p = NiftiReader.read(out.resolve("ch2_probabilities.nii.gz")).volume();
    assertThat(p.geometry().sameAs(g)).isTrue();
    BufferedImage overlay = ImageIO.read(out.resolve("ch2_overlay.png").toFile());
    assertThat(overlay.getWidth()).isEqualTo(181);
    assertThat(overlay.getHeight()).isEqualTo(217);
  }

  @Test
  void badVolumePromptsAndGeometryAreExitCode2() throws Exception {
    CliTesting.Result r = CliTesting.run("segment", "-i", CH2.toString(), "-c", CKPT, "--config", CFG,
        "--box-3d", "1,2,3,4,5");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--box-3d '1,2,3,4,5': expected 6 comma-separated numbers");
    r = CliTesting.run("segment", "-i", CH2.toString(), "-c", CKPT, "--config", CFG, "--click", "10,10,500");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("500");
    r = CliTesting.run("segment", "-i", CH2.toString(), "-c", CKPT, "--config", CFG, "--click", "10,10,5,3");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("label must be 1");
    r = CliTesting.run("segment", "-i", CH2.toString(), "-c", CKPT, "--config", CFG, "--box-3d", "0,0,0,5,5,5",
        "--window", "ct:40");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--window ct");
    r = CliTesting.run("segment", "-i", CH2.toString(), "-c", CKPT, "--config", CFG, "--point", "3,4");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("volumes take --click");

    Path small = tmp.resolve("small.nii.gz");
    NiftiWriter.write(small, new Volume(Geometry.identity(4, 4, 4), new float[64], "small"), NiftiDatatype.UINT8,
        null);
    r = CliTesting.run("evaluate", "--image-volume", CH2.toString(), "--label-volume", small.toString(),
        "--labels", "1", "-c", CKPT, "--config", CFG);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("differ in shape: [181, 217, 181] vs [4, 4, 4]");
  }
}
