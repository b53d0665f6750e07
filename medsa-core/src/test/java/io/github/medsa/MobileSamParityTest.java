package io.github.medsa;

import static io.github.medsa.testing.Fixtures.assertClose;
import static io.github.medsa.testing.Fixtures.npy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.github.medsa.checkpoint.Checkpoints;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.checkpoint.StateDictMismatchException;
import io.github.medsa.extension.DecoderBlockExtension;
import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.image.RgbImage;
import io.github.medsa.image.SamPreprocessor;
import io.github.medsa.internal.model.SamGraph;
import io.github.medsa.internal.model.SamGraphTaps;
import io.github.medsa.internal.model.SamParameters;
import io.github.medsa.internal.model.StateDictParams;
import io.github.medsa.internal.model.TinyVitEncoder;
import io.github.medsa.testing.Fixtures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MobileSAM's TinyViT (depths 1/1/2/1 at 1024, MobileSAM's widths, heads and windows) through the public API against
 * {@code fixtures/mobilesam-tiny}: the layer taps, the embeddings and four prompt cases (tolerance 1e-4 x
 * max(1, max|ref|)); and strict loading of MobileSAM's state-dict layout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MobileSamParityTest {
  private static final double TOL = 1e-4;
  private static final String DIR = "mobilesam-tiny/";
  private SamConfig cfg;
  private MedSA sam;
  private EncodedImage encoded;

  @BeforeAll
  void setUp() throws Exception {
    cfg = Fixtures.config(DIR + "config.json");
    sam = MedSA.builder().config(cfg).checkpoint(Fixtures.path(DIR + "weights.pth")).build();
    encoded = sam.encode(npy(DIR + "image.npy"));
  }

  @Test
  void configurationIsMobileSamsWithTheFixturesDepths() {
    assertThat(cfg.isTinyVit()).isTrue();
    assertThat(cfg.tinyVit()).isEqualTo(new TinyVitSizes(List.of(64, 128, 160, 320), List.of(1, 1, 2, 1),
        List.of(2, 4, 5, 10), List.of(7, 7, 14, 7), 4.0, 4.0, 3, 1e-5));
    assertThat(cfg.gridSize()).isEqualTo(64);
    assertThat(cfg.tinyVit().gridSize(1024, 1)).isEqualTo(128);
    assertThat(cfg.tinyVit().gridSize(256, 3)).isEqualTo(16);
    assertThat(SamConfig.TINY_VIT.tinyVit()).isEqualTo(TinyVitSizes.MOBILE_SAM);
    assertThat(SamConfig.TINY_VIT.encoderDepth()).isEqualTo(10);
  }

  @Test
  void declaresExactlyTheCheckpointsTensorsBesidesTheUnusedOnes() throws Exception {
    StateDict weights = Checkpoints.read(Fixtures.path(DIR + "weights.pth"));
    Map<String, long[]> expected = SamParameters.shapes(cfg);
    Map<String, List<Long>> declared = new LinkedHashMap<>();
    expected.forEach((k, v) -> declared.put(k, List.of(java.util.Arrays.stream(v).boxed().toArray(Long[]::new))));
    Map<String, List<Long>> stored = new LinkedHashMap<>();
    for (String k : weights.names()) {
      if (!SamParameters.unusedByDesign(cfg).test(k)) {
        stored.put(k, List.of(java.util.Arrays.stream(weights.shape(k)).boxed().toArray(Long[]::new)));
      }
    }
    assertThat(declared).containsExactlyInAnyOrderEntriesOf(stored);
    // 307 tensors: 4 of the ImageNet head and 36 num_batches_tracked counters (18 Conv2d_BN) are unused.
    assertThat(weights.names()).hasSize(307);
    assertThat(expected).hasSize(307 - 4 - 18);
    assertThat(sam.loadReport().ignoredKeys()).hasSize(4 + 18)
        .contains("image_encoder.norm_head.weight", "image_encoder.head.bias",
            "image_encoder.patch_embed.seq.0.bn.num_batches_tracked");
    assertThat(sam.loadReport().unexpectedKeys()).isEmpty();
    assertThat(sam.loadReport().isClean()).isTrue();
  }

  @Test
  void strictLoadingStillRefusesOtherUnexpectedTensors() throws Exception {
    StateDict weights = Checkpoints.read(Fixtures.path(DIR + "weights.pth"));
    Map<String, INDArray> more = new LinkedHashMap<>(weights.asMap());
    more.put("image_encoder.layers.1.blocks.0.attn.stray", Nd4j.zeros(2));
    assertThatThrownBy(() -> MedSA.builder().config(cfg).weights(StateDict.of(more)).build())
        .isInstanceOf(StateDictMismatchException.class)
        .hasMessageContaining("unexpected key: image_encoder.layers.1.blocks.0.attn.stray")
        .hasMessageNotContaining("unexpected key: image_encoder.head.weight");
  }

  @Test
  void layerTapsAndEmbeddingsMatch() throws Exception {
    StateDict weights = Checkpoints.read(Fixtures.path(DIR + "weights.pth"));
    SamGraph graph = SamGraph.build(cfg, StateDictParams.frozen(weights), EncoderBlockExtension.NONE,
        DecoderBlockExtension.NONE);
    INDArray input = new SamPreprocessor(cfg.imageSize(), cfg.pixelMean(), cfg.pixelStd())
        .toModelInput(RgbImage.of(npy(DIR + "image.npy")));
    Map<String, INDArray> out = SamGraphTaps.encode(graph, input, TinyVitEncoder.layerTap(1), TinyVitEncoder.layerTap(3),
        SamGraph.IMAGE_EMBEDDINGS);
    assertClose("layer 1", out.get(TinyVitEncoder.layerTap(1)), npy(DIR + "taps/layer_1.npy"), TOL);
    assertClose("layer 3", out.get(TinyVitEncoder.layerTap(3)), npy(DIR + "taps/layer_3.npy"), TOL);
    assertClose("embeddings", out.get(SamGraph.IMAGE_EMBEDDINGS), npy(DIR + "image_embeddings.npy"), TOL);
  }

  @Test
  void embeddingsOfTheRawImageMatch() {
    assertThat(encoded.inputSize()).containsExactly(1024, 854);
    assertClose("image embeddings", encoded.embeddings(), npy(DIR + "image_embeddings.npy"), TOL);
  }

  @Test
  void everyCaseMatchesMasksLogitsAndIou() {
    for (var e : Fixtures.json(DIR + "cases.json").getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      String name = c.get("name").getAsString();
      try (Prediction p = encoded.predict(Fixtures.prompt(c).build())) {
        INDArray refLogits = npy(DIR + name + "/mask_logits.npy");
        long channels = refLogits.size(1);
        assertThat(p.count()).isEqualTo(channels);
        assertClose(name + " mask logits", p.logits().reshape(refLogits.shape()), refLogits, TOL);
        assertClose(name + " low-res logits", p.lowResLogits().reshape(1, channels, 256, 256),
            npy(DIR + name + "/low_res_logits.npy"), TOL);
        assertClose(name + " iou", Nd4j.createFromArray(p.iouPredictions()).reshape(1, channels),
            npy(DIR + name + "/iou_predictions.npy"), TOL);
        Fixtures.assertMasksAgree(name, p.masks().reshape(refLogits.shape()), npy(DIR + name + "/masks.npy"),
            refLogits);
      }
    }
  }
}
