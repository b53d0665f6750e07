package io.github.medsa;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.image.RgbImage;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Full-size SAM with random weights: graph construction, memory and output shapes at 1024 pixels. Opt-in
 * ({@code mvn verify -Pfull}): minutes per backbone and several GB of memory.
 */
@Tag("full")
class FullSizeModelTest {

  @ParameterizedTest
  @EnumSource(Backbone.class)
  void fullSizeBackbonesEncodeAndPredictWithSamShapes(Backbone backbone) throws Exception {
    byte[] rgb = new byte[480 * 640 * 3];
    new Random(2).nextBytes(rgb);
    try (MedSA sam = MedSA.builder().backbone(backbone).randomWeights().seed(1).build();
        EncodedImage image = sam.encode(RgbImage.ofRgbBytes(480, 640, rgb));
        Prediction p = image.predict(Prompt.builder().point(320, 240).box(100, 100, 500, 400).build())) {
      assertThat(image.embeddings().shape()).containsExactly(1, 256, 64, 64);
      assertThat(image.inputSize()).containsExactly(768, 1024);
      assertThat(p.masks().shape()).containsExactly(3, 480, 640);
      assertThat(p.lowResLogits().shape()).containsExactly(3, 256, 256);
      assertThat(p.iouPredictions()).hasSize(3);
    }
  }

  @ParameterizedTest
  @EnumSource(Backbone.class)
  void fullSizeBackbonesRunAt256AsMedSaFineTunes(Backbone backbone) throws Exception {
    try (MedSA sam = MedSA.builder().backbone(backbone).imageSize(256).randomWeights().seed(1).build();
        EncodedImage image = sam.encode(RgbImage.ofRgbBytes(256, 256, new byte[256 * 256 * 3]));
        Prediction p = image.predict(Prompt.click(128, 128))) {
      assertThat(sam.config().pretrainImageSize()).isEqualTo(1024);
      assertThat(image.embeddings().shape()).containsExactly(1, 256, 16, 16);
      assertThat(p.lowResLogits().shape()).containsExactly(3, 64, 64);
    }
  }
}
