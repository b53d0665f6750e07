package io.github.medsa.internal.model;

import static io.github.medsa.testing.Fixtures.assertClose;
import static io.github.medsa.testing.Fixtures.npy;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.github.medsa.SamConfig;
import io.github.medsa.checkpoint.Checkpoints;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.extension.DecoderBlockExtension;
import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.testing.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The SameDiff graph against sam-tiny's golden tensors, stage by stage (tolerance 1e-4 x max(1, max|ref|)). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamGraphParityTest {
  private static final double TOL = 1e-4;
  private SamGraph graph;
  private SamConfig cfg;

  @BeforeAll
  void build() throws Exception {
    cfg = Fixtures.config("sam-tiny/config.json");
    StateDict weights = Checkpoints.read(Fixtures.path("sam-tiny/weights.safetensors"));
    graph = SamGraph.build(cfg, StateDictParams.frozen(weights), EncoderBlockExtension.NONE,
        DecoderBlockExtension.NONE);
  }

  @Test
  void encoderMatchesEveryTap() {
    String[] taps = {ImageEncoder.TAP_PATCH_EMBED, ImageEncoder.blockTap(0), ImageEncoder.blockTap(1),
        ImageEncoder.blockTap(2), ImageEncoder.blockTap(3), SamGraph.IMAGE_EMBEDDINGS};
    Map<String, INDArray> out = graph.encodeWithTaps(npy("sam-tiny/encoder_input.npy"), taps);
    assertClose("patch_embed", out.get(taps[0]), npy("sam-tiny/taps/patch_embed.npy"), TOL);
    for (int i = 0; i < 4; i++) {
      assertClose("block " + i, out.get(taps[1 + i]), npy(String.format("sam-tiny/taps/block_%02d.npy", i)), TOL);
    }
    assertClose("image embeddings", out.get(SamGraph.IMAGE_EMBEDDINGS), npy("sam-tiny/image_embeddings.npy"), TOL);
  }

  @Test
  void densePositionalEncodingMatches() {
    assertClose("dense pe", graph.densePositionalEncoding(), npy("sam-tiny/dense_pe.npy"), TOL);
  }

  @Test
  void everyCaseMatchesPromptEmbeddingsLogitsAndIou() {
    JsonObject cases = Fixtures.json("sam-tiny/cases.json");
    int origH = cases.getAsJsonArray("original_size").get(0).getAsInt();
    int origW = cases.getAsJsonArray("original_size").get(1).getAsInt();
    int inH = cases.getAsJsonArray("input_size").get(0).getAsInt();
    int inW = cases.getAsJsonArray("input_size").get(1).getAsInt();
    INDArray embeddings = npy("sam-tiny/image_embeddings.npy");
    for (var element : cases.getAsJsonArray("cases")) {
      JsonObject c = element.getAsJsonObject();
      String name = c.get("name").getAsString();
      float[][] points = new float[0][];
      int[] labels = new int[0];
      if (c.has("points")) {
        INDArray resized = npy("sam-tiny/" + name + "/point_coords_resized.npy");
        points = resized.reshape(-1, 2).toFloatMatrix();
        labels = npy("sam-tiny/" + name + "/point_labels.npy").reshape(-1).toIntVector();
      }
      float[] box = null;
      if (c.has("box")) {
        var b = c.getAsJsonArray("box");
        double sx = (double) inW / origW;
        double sy = (double) inH / origH;
        box = new float[] {(float) (b.get(0).getAsDouble() * sx), (float) (b.get(1).getAsDouble() * sy),
            (float) (b.get(2).getAsDouble() * sx), (float) (b.get(3).getAsDouble() * sy)};
      }
      INDArray mask = c.has("use_prev_mask") ? npy("sam-tiny/" + name + "/mask_input.npy").reshape(1, 1, 32, 32)
          : null;
      PromptTokens tokens = PromptTokens.of(List.of(new PromptTokens.Input(points, labels, box)), cfg.imageSize());
      SamGraph.PromptEmbeddings pe = graph.embedPrompts(tokens, mask);
      assertClose(name + " sparse", pe.sparse(), npy("sam-tiny/" + name + "/sparse_embeddings.npy"), TOL);
      assertClose(name + " dense", pe.dense(), npy("sam-tiny/" + name + "/dense_embeddings.npy"), TOL);

      SamGraph.Decoded d = graph.decode(embeddings, pe);
      boolean multimask = c.get("multimask").getAsBoolean();
      var range = multimask ? NDArrayIndex.interval(1, cfg.numMaskTokens()) : NDArrayIndex.interval(0, 1);
      INDArray logits = d.lowResMasks().get(NDArrayIndex.all(), range);
      INDArray iou = d.iou().get(NDArrayIndex.all(), range);
      assertThat(logits.shape()).containsExactly(1, multimask ? 3 : 1, 32, 32);
      assertClose(name + " low-res logits", logits, npy("sam-tiny/" + name + "/low_res_logits.npy"), TOL);
      assertClose(name + " iou", iou, npy("sam-tiny/" + name + "/iou_predictions.npy"), TOL);
    }
  }
}
