package io.github.medsa.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.Prediction;
import io.github.medsa.Prompt;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.checkpoint.Checkpoints;
import io.github.medsa.image.RgbImage;
import io.github.medsa.sdtrans.SdTrans;
import io.github.medsa.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Chunking of an SD-Trans volume against a computation written out here: 7 axial slices, chunks of 4 with overlap
 * 2 start at slices 0, 2 and 4; the last chunk is padded with slice 6; slices 2..5 average two chunks.
 */
class VolumeSegmenterChunkTest {
  @Test
  void overlappingChunksAverageAndTheLastChunkIsPadded() throws Exception {
    MedSA model = MedSA.builder().config(Fixtures.config("medsa-tiny-3d/config.json"))
        .weights(Checkpoints.read(Fixtures.path("medsa-tiny-3d/weights.safetensors")))
        .adapters(SdTrans.of(Adapters.medsa(), 4)).build();
    int n = 24;
    Geometry g = Geometry.identity(n, n, 7);
    float[] data = new float[n * n * 7];
    SplittableRandom rnd = new SplittableRandom(5);
    Volume v = new Volume(g, data, "synthetic");
    for (int z = 0; z < 7; z++) {
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          boolean in = x >= 6 && x < 16 && y >= 8 && y < 18;
          data[v.index(x, y, z)] = (in ? 800 : 200) + (float) rnd.nextDouble(100) + 30 * z;
        }
      }
    }
    IntensityWindow window = IntensityWindow.ct(500, 1000);
    // Voxel box x 6..15, y 8..17 on every slice; the axial view flips y (row = 23 - y): pixels x 6..15, rows 6..15.
    VolumePrompt prompt = VolumePrompt.builder().voxelBox(6, 8, 0, 15, 17, 6).build();
    Prompt slicePrompt = Prompt.builder().multimask(false).box(6, 6, 15, 15).build();

    VolumeSegmenter.Result r = new VolumeSegmenter(model, window, Axis.AXIAL, 2).segment(v, prompt);
    assertThat(r.promptedSlices()).isEqualTo(7);

    SliceView view = SliceView.of(g, Axis.AXIAL);
    double[] range = window.range(v);
    int[][] chunks = {{0, 1, 2, 3}, {2, 3, 4, 5}, {4, 5, 6, 6}}; // the last one padded by repeating slice 6
    int[] real = {4, 4, 3}; // slices of each chunk that are not padding
    float[][] sum = new float[7][n * n];
    int[] count = new int[7];
    List<float[]> slice2 = new ArrayList<>();
    for (int c = 0; c < chunks.length; c++) {
      List<RgbImage> images = new ArrayList<>();
      for (int s : chunks[c]) {
        images.add(view.image(v, s, range));
      }
      List<EncodedImage> encoded = model.encodeAll(images);
      for (int k = 0; k < real[c]; k++) {
        float[] logits;
        try (Prediction p = encoded.get(k).predict(slicePrompt)) {
          logits = p.logits().castTo(DataType.FLOAT).dup('c').data().asFloat();
        }
        int s = chunks[c][k];
        for (int i = 0; i < logits.length; i++) {
          sum[s][i] += (float) (1.0 / (1.0 + Math.exp(-logits[i])));
        }
        count[s]++;
        if (s == 2) {
          slice2.add(logits);
        }
      }
      encoded.forEach(EncodedImage::close);
    }
    assertThat(count).containsExactly(1, 1, 2, 2, 2, 2, 1);
    // The two chunks see slice 2 in different company, so their outputs differ and the average is tested.
    double apart = 0;
    for (int i = 0; i < n * n; i++) {
      apart = Math.max(apart, Math.abs(slice2.get(0)[i] - slice2.get(1)[i]));
    }
    assertThat(apart).as("slice 2 from chunks 0 and 1").isGreaterThan(1e-3);

    int maskPixels = 0;
    for (int s = 0; s < 7; s++) {
      float[] got = view.slice(r.probabilities(), s);
      float[] mask = view.slice(r.mask(), s);
      for (int i = 0; i < n * n; i++) {
        float expected = sum[s][i] / count[s];
        assertThat(got[i]).as("slice %s pixel %s", s, i).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(mask[i]).isEqualTo(expected > 0.5f ? 1f : 0f);
        maskPixels += (int) mask[i];
      }
    }
    assertThat(maskPixels).as("mask pixels").isPositive().isLessThan(7 * n * n);
  }
}
