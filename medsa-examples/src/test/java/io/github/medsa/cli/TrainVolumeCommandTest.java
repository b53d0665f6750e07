package io.github.medsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medsa.testing.Fixtures;
import io.github.medsa.volume.Geometry;
import io.github.medsa.volume.Volume;
import io.github.medsa.volume.nifti.NiftiDatatype;
import io.github.medsa.volume.nifti.NiftiWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --slices 4} (SD-Trans) on a tiny synthetic volume whose first chunk holds slices with and without
 * the structure, so every chunk mixes prompt layouts unless they are made to agree.
 */
class TrainVolumeCommandTest {
  @TempDir
  Path tmp;

  /** 24 x 24 x 8 voxels; label 5 is a 6 x 8 block on slices 2..5 (chunk 0..3 holds two slices without it). */
  static Path[] tinyVolumePair(Path dir) throws Exception {
    Files.createDirectories(dir);
    Geometry g = Geometry.identity(24, 24, 8);
    float[] image = new float[24 * 24 * 8];
    float[] label = new float[image.length];
    SplittableRandom rnd = new SplittableRandom(3);
    Volume v = new Volume(g, image, "image");
    for (int z = 0; z < 8; z++) {
      for (int y = 0; y < 24; y++) {
        for (int x = 0; x < 24; x++) {
          boolean in = z >= 2 && z <= 5 && x >= 8 && x < 14 && y >= 6 && y < 14;
          image[v.index(x, y, z)] = (in ? 600f : 100f) + (float) rnd.nextDouble(50);
          label[v.index(x, y, z)] = in ? 5f : 0f;
        }
      }
    }
    Path img = dir.resolve("img.nii.gz");
    Path lab = dir.resolve("lab.nii.gz");
    NiftiWriter.write(img, v, NiftiDatatype.FLOAT32, null);
    NiftiWriter.write(lab, new Volume(g, label, "label"), NiftiDatatype.UINT8, null);
    return new Path[] {img, lab};
  }

  static String[] trainArgs(Path[] pair, Path out, String... extra) {
    String[] base = {"train", "--image-volume", pair[0].toString(), "--label-volume", pair[1].toString(),
        "--labels", "5", "--slices", "4", "--random-init", "--config", Fixtures.path("sam-tiny/config.json").toString(),
        "--epochs", "1", "--lr", "1e-3", "--seed", "7", "--out", out.toString()};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  @ParameterizedTest
  @ValueSource(strings = {"click", "box", "box+click"})
  void everyPromptKindTrainsOnVolumeChunks(String kind) throws Exception {
    Path[] pair = tinyVolumePair(tmp.resolve("data"));
    Path out = tmp.resolve("run");
    CliTesting.Result r = CliTesting.run(trainArgs(pair, out, "--prompt", kind));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("2 chunks of 4 slices");
    assertThat(out.resolve("checkpoint.safetensors")).isRegularFile();
    JsonObject s = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
    assertThat(s.getAsJsonArray("losses")).hasSize(2);
    s.getAsJsonArray("losses").forEach(l -> assertThat(l.getAsDouble()).isFinite().isPositive());
  }
}
