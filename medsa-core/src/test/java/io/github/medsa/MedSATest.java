package io.github.medsa;

import static io.github.medsa.testing.Fixtures.assertClose;
import static io.github.medsa.testing.Fixtures.npy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.github.medsa.checkpoint.StateDictMismatchException;
import io.github.medsa.image.RgbImage;
import io.github.medsa.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The public API end to end on sam-tiny: image in original pixels, prompts in original pixels, masks out. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MedSATest {
  private static final double TOL = 1e-4;
  private MedSA sam;
  private EncodedImage encoded;
  private JsonObject cases;

  @BeforeAll
  void setUp() throws Exception {
    sam = MedSA.builder().config(Fixtures.config("sam-tiny/config.json"))
        .checkpoint(Fixtures.path("sam-tiny/weights.pth")).build();
    encoded = sam.encode(npy("sam-tiny/image.npy"));
    cases = Fixtures.json("sam-tiny/cases.json");
  }

  private Prompt prompt(JsonObject c, boolean withMask) {
    String name = c.get("name").getAsString();
    Prompt.Builder b = Fixtures.prompt(c);
    if (withMask && c.has("use_prev_mask")) {
      b.maskInput(npy("sam-tiny/" + name + "/mask_input.npy"));
    }
    return b.build();
  }

  @Test
  void embeddingsOfTheRawImageMatch() {
    assertThat(encoded.inputSize()).containsExactly(128, 107);
    assertClose("image embeddings", encoded.embeddings(), npy("sam-tiny/image_embeddings.npy"), TOL);
  }

  /** A batch of one goes through the same graph call; its input must stay alive until the encode has run. */
  @Test
  void encodingAllOfOneImageMatchesTheReference() {
    List<EncodedImage> all = sam.encodeAll(List.of(RgbImage.of(npy("sam-tiny/image.npy"))));
    try {
      assertThat(all).hasSize(1);
      assertThat(all.get(0).inputSize()).containsExactly(128, 107);
      assertClose("image embeddings", all.get(0).embeddings(), npy("sam-tiny/image_embeddings.npy"), TOL);
    } finally {
      all.forEach(EncodedImage::close);
    }
  }

  @Test
  void everyCaseMatchesMasksLogitsAndIou() {
    for (var e : cases.getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      String name = c.get("name").getAsString();
      try (Prediction p = encoded.predict(prompt(c, true))) {
        INDArray refLogits = npy("sam-tiny/" + name + "/mask_logits.npy");
        long channels = refLogits.size(1);
        assertThat(p.count()).isEqualTo(channels);
        assertClose(name + " mask logits", p.logits().reshape(refLogits.shape()), refLogits, TOL);
        assertClose(name + " low-res logits", p.lowResLogits().reshape(1, channels, 32, 32),
            npy("sam-tiny/" + name + "/low_res_logits.npy"), TOL);
        assertClose(name + " iou", Nd4j.createFromArray(p.iouPredictions()).reshape(1, channels),
            npy("sam-tiny/" + name + "/iou_predictions.npy"), TOL);
        Fixtures.assertMasksAgree(name, p.masks().reshape(refLogits.shape()), npy("sam-tiny/" + name + "/masks.npy"),
            refLogits);
      }
    }
  }

  /** Every checkpoint container and naming scheme gives the same model. */
  @ParameterizedTest
  @ValueSource(strings = {"weights.pth", "weights_legacy.pth", "weights.safetensors", "weights_hf.safetensors"})
  void everyCheckpointFormatReproducesTheReference(String file) throws Exception {
    JsonObject c3 = cases.getAsJsonArray("cases").get(3).getAsJsonObject();
    try (MedSA model = MedSA.builder().config(Fixtures.config("sam-tiny/config.json"))
            .checkpoint(Fixtures.path("sam-tiny/" + file)).build();
        EncodedImage e = model.encode(npy("sam-tiny/image.npy"));
        Prediction p = e.predict(prompt(c3, false))) {
      assertClose(file + " embeddings", e.embeddings(), npy("sam-tiny/image_embeddings.npy"), TOL);
      INDArray ref = npy("sam-tiny/case_3/mask_logits.npy");
      assertClose(file + " case_3 mask logits", p.logits().reshape(ref.shape()), ref, TOL);
    }
  }

  @Test
  void batchedPromptsEqualOneByOne() {
    List<Prompt> prompts = new ArrayList<>();
    for (var e : cases.getAsJsonArray("cases")) {
      prompts.add(prompt(e.getAsJsonObject(), false));
    }
    prompts.add(Prompt.click(30, 200));
    List<Prediction> batched = encoded.predict(prompts);
    try {
      for (int i = 0; i < prompts.size(); i++) {
        try (Prediction single = encoded.predict(prompts.get(i))) {
          assertThat(batched.get(i).count()).isEqualTo(single.count());
          assertClose("prompt " + i, batched.get(i).logits(), single.logits(), 1e-5);
        }
      }
    } finally {
      batched.forEach(Prediction::close);
    }
  }

  @Test
  void promptsOutsideTheImageAreRejected() {
    assertThatThrownBy(() -> encoded.predict(Prompt.click(181.5, 10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("point 0 (x=181.5, y=10.0) lies outside the 181 x 217");
    assertThatThrownBy(() -> encoded.predict(Prompt.box(10, 10, 50, 300)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("box (10.0, 10.0, 50.0, 300.0)");
    assertThatThrownBy(() -> encoded.predict(Prompt.click(-1, 5)))
        .hasMessageContaining("x=-1.0");
  }

  @Test
  void maskInputOfTheWrongSizeIsRejected() {
    Prompt p = Prompt.builder().point(50, 50).maskInput(Nd4j.zeros(DataType.FLOAT, 1, 64, 64)).build();
    assertThatThrownBy(() -> encoded.predict(p)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mask input has shape [1, 64, 64], expected [1, 32, 32]");
  }

  @Test
  void badPromptsAndImagesAreRejected() {
    assertThatThrownBy(() -> Prompt.builder().build()).hasMessageContaining("at least one point or a box");
    assertThatThrownBy(() -> Prompt.builder().point(1, 2, 2)).hasMessageContaining("got 2");
    assertThatThrownBy(() -> Prompt.builder().point(Double.NaN, 2)).hasMessageContaining("finite");
    assertThatThrownBy(() -> Prompt.box(50, 10, 20, 30)).hasMessageContaining("x0 <= x1");
    INDArray nanImage = Nd4j.zeros(DataType.FLOAT, 20, 30, 3);
    nanImage.putScalar(new long[] {2, 3, 1}, Float.NaN);
    assertThatThrownBy(() -> sam.encode(nanImage)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> sam.encode(Nd4j.zeros(DataType.FLOAT, 0, 30, 3)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void buildingWithoutWeightsSaysWhereOfficialCheckpointsAre() {
    assertThatThrownBy(() -> MedSA.builder().backbone(Backbone.VIT_B).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("https://dl.fbaipublicfiles.com/segment_anything/sam_vit_b_01ec64.pth");
  }

  @Test
  void checkpointOfAnotherConfigurationFailsWithEveryMismatch() {
    SamConfig wider = Fixtures.config("sam-tiny/config.json").toBuilder().encoder(96, 4, 3).build();
    assertThatThrownBy(() -> MedSA.builder().config(wider).checkpoint(Fixtures.path("sam-tiny/weights.pth")).build())
        .isInstanceOf(StateDictMismatchException.class)
        .hasMessageContaining("image_encoder.pos_embed: expected [1, 8, 8, 96], found [1, 8, 8, 48]");
  }
}
