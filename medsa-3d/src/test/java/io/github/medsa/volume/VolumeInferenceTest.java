package io.github.medsa.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.Prediction;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.checkpoint.Checkpoints;
import io.github.medsa.image.RgbImage;
import io.github.medsa.sdtrans.SdTrans;
import io.github.medsa.testing.Fixtures;
import io.github.medsa.volume.nifti.NiftiDatatype;
import io.github.medsa.volume.nifti.NiftiImage;
import io.github.medsa.volume.nifti.NiftiReader;
import io.github.medsa.volume.nifti.NiftiWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Colin27 through slicing, SD-Trans chunks and back to a NIfTI mask with the source geometry. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VolumeInferenceTest {
  @TempDir
  Path tmp;
  private NiftiImage ch2;

  static Path colin27(String name) {
    return Path.of(System.getProperty("user.dir")).resolve("../data/colin27").resolve(name).normalize();
  }

  @BeforeAll
  void read() throws Exception {
    ch2 = NiftiReader.read(colin27("ch2.nii.gz"));
  }

  /** The axial view reproduces the fixtures' display of slice z = 92 (scaled by the slice maximum). */
  @Test
  void axialSliceMatchesTheFixtureImage() {
    SliceView view = SliceView.of(ch2.volume().geometry(), Axis.AXIAL);
    assertThat(view.count()).isEqualTo(181);
    float[] slice = view.slice(ch2.volume(), 92);
    float max = 0;
    for (float v : slice) {
      max = Math.max(max, v);
    }
    INDArray ref = Fixtures.npy("sam-tiny/image.npy").castTo(DataType.INT);
    assertThat(ref.shape()).containsExactly(view.height(), view.width(), 3);
    int differing = 0;
    for (int row = 0; row < view.height(); row++) {
      for (int col = 0; col < view.width(); col++) {
        int ours = (int) Math.round(slice[row * view.width() + col] / max * 255);
        differing += ours == ref.getInt(row, col, 0) ? 0 : 1;
      }
    }
    assertThat(differing).isZero();
  }

  @Test
  void sdTransMaskRoundTripsThroughNiftiWithTheSourceAffine() throws Exception {
    MedSA model = MedSA.builder().config(Fixtures.config("medsa-tiny-3d/config.json"))
        .weights(Checkpoints.read(Fixtures.path("medsa-tiny-3d/weights.safetensors")))
        .adapters(SdTrans.of(Adapters.medsa(), 4)).build();
    VolumeSegmenter segmenter = new VolumeSegmenter(model, IntensityWindow.mri(), Axis.AXIAL, 1);
    // thalamus region: a box in voxels spanning axial slices 84..90 (7 slices: 2 chunks with stride 3 + padding)
    VolumePrompt prompt = VolumePrompt.builder().voxelBox(75, 95, 84, 105, 125, 90).click(90, 110, 88, 1).build();
    VolumeSegmenter.Result result = segmenter.segment(ch2.volume(), prompt);
    assertThat(result.promptedSlices()).isEqualTo(7);

    Path out = tmp.resolve("mask.nii.gz");
    NiftiWriter.write(out, result.mask(), NiftiDatatype.UINT8, ch2.header());
    NiftiImage back = NiftiReader.read(out);
    assertThat(back.volume().geometry().sameAs(ch2.volume().geometry())).isTrue();
    assertThat(back.volume().geometry().affine()).isDeepEqualTo(ch2.volume().geometry().affine());
    Volume mask = back.volume();
    long inside = 0;
    long outside = 0;
    long notBinary = 0;
    for (int z = 0; z < 181; z++) {
      for (int y = 0; y < 217; y++) {
        for (int x = 0; x < 181; x++) {
          float v = mask.get(x, y, z);
          notBinary += v == 0f || v == 1f ? 0 : 1;
          if (v == 1f) {
            if (z >= 84 && z <= 90) {
              inside++;
            } else {
              outside++;
            }
          }
        }
      }
    }
    assertThat(notBinary).isZero();
    assertThat(outside).as("mask voxels on slices no prompt reaches").isZero();
    assertThat(inside).isEqualTo(count(result.mask()));
    long outOfRange = 0;
    for (float p : result.probabilities().data()) {
      outOfRange += p >= 0 && p <= 1 ? 0 : 1;
    }
    assertThat(outOfRange).isZero();
  }

  /** A 2D model segments each prompted slice exactly as predicting on that slice image directly. */
  @Test
  void sliceBySliceEqualsTheTwoDimensionalPredictor() throws Exception {
    MedSA model = MedSA.builder().config(Fixtures.config("sam-tiny/config.json"))
        .checkpoint(Fixtures.path("sam-tiny/weights.safetensors")).build();
    Volume v = ch2.volume();
    VolumeSegmenter.Result r = VolumeSegmenter.of(model, IntensityWindow.ct(100, 200))
        .segment(v, VolumePrompt.builder().click(90, 110, 92, 1).build());
    SliceView view = SliceView.of(v.geometry(), Axis.AXIAL);
    RgbImage slice = view.image(v, 92, IntensityWindow.ct(100, 200).range(v));
    double[] pixel = view.toPixel(90, 110, 92);
    float[] probs = view.slice(r.probabilities(), 92);
    try (EncodedImage image = model.encode(slice); Prediction p = image.predict(
        io.github.medsa.Prompt.builder().point(pixel[1], pixel[2]).multimask(false).build())) {
      for (int i = 0; i < probs.length; i += 37) {
        double expected = 1 / (1 + Math.exp(-p.logits().getDouble(i)));
        assertThat(probs[i]).isCloseTo((float) expected, org.assertj.core.data.Offset.offset(1e-6f));
      }
    }
    assertThat(r.promptedSlices()).isEqualTo(1);
  }

  @Test
  void oneSliceChunksWorkAndSingleImagesAreRefusedByChunkModels() throws Exception {
    MedSA d1 = MedSA.builder().config(Fixtures.config("medsa-tiny-3d/config.json"))
        .weights(Checkpoints.read(Fixtures.path("medsa-tiny-3d/weights.safetensors")))
        .adapters(SdTrans.of(Adapters.medsa(), 1)).build();
    VolumeSegmenter.Result r = VolumeSegmenter.of(d1, IntensityWindow.mri())
        .segment(ch2.volume(), VolumePrompt.builder().click(90, 110, 92, 1).click(90, 110, 93, 1).build());
    assertThat(r.promptedSlices()).isEqualTo(2);
    MedSA d4 = MedSA.builder().config(Fixtures.config("medsa-tiny-3d/config.json"))
        .weights(Checkpoints.read(Fixtures.path("medsa-tiny-3d/weights.safetensors")))
        .adapters(SdTrans.of(Adapters.medsa(), 4)).build();
    RgbImage img = RgbImage.ofRgbBytes(8, 8, new byte[8 * 8 * 3]);
    assertThatThrownBy(() -> d4.encode(img)).hasMessageContaining("encodes chunks of 4 slices");
    assertThatThrownBy(() -> d4.encodeAll(List.of(img, img))).hasMessageContaining("2 images");
  }

  private static long count(Volume mask) {
    long n = 0;
    for (float f : mask.data()) {
      n += f == 1f ? 1 : 0;
    }
    return n;
  }
}
