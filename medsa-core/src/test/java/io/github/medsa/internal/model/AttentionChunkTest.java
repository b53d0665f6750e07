package io.github.medsa.internal.model;

import static io.github.medsa.testing.Fixtures.maxAbsDiff;
import static io.github.medsa.testing.Fixtures.npy;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.SamConfig;
import io.github.medsa.checkpoint.Checkpoints;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.extension.Scope;
import io.github.medsa.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Global attention split into head chunks computes the same values and gradients as all heads at once. */
class AttentionChunkTest {
  private static final double TOL = 1e-6;

  @Test
  void chunkSizeIsTheLargestDivisorOfTheHeadsWithinTheBudget() {
    // ViT-B at 1024: N = 4096, 64 MiB per head -> one head at a time.
    assertThat(ImageEncoder.headsPerChunk(12, 4096, ImageEncoder.ATTENTION_CHUNK_BYTES)).isEqualTo(1);
    // N = 2048: 16 MiB per head, 4 heads = 64 MiB.
    assertThat(ImageEncoder.headsPerChunk(12, 2048, ImageEncoder.ATTENTION_CHUNK_BYTES)).isEqualTo(4);
    // ViT-B at 512 (N = 1024, 48 MiB for 12 heads) and 14 x 14 windows keep one chunk.
    assertThat(ImageEncoder.headsPerChunk(12, 1024, ImageEncoder.ATTENTION_CHUNK_BYTES)).isEqualTo(12);
    assertThat(ImageEncoder.headsPerChunk(12, 196, ImageEncoder.ATTENTION_CHUNK_BYTES)).isEqualTo(12);
    // 5 heads, room for 3: the largest divisor that fits is 1.
    assertThat(ImageEncoder.headsPerChunk(5, 64, 3L * 64 * 64 * Float.BYTES)).isEqualTo(1);
    assertThat(ImageEncoder.headsPerChunk(6, 64, 3L * 64 * 64 * Float.BYTES)).isEqualTo(3);
  }

  @Test
  void oneHeadPerChunkGivesTheSameEmbeddingsAndGradients() throws Exception {
    SamConfig cfg = Fixtures.config("sam-tiny/config.json"); // 3 heads, global blocks 1 and 3 on an 8 x 8 grid
    StateDict weights = Checkpoints.read(Fixtures.path("sam-tiny/weights.safetensors"));
    INDArray one = npy("sam-tiny/encoder_input.npy");
    INDArray images = Nd4j.concat(0, one, one.mul(-0.5)); // two images: B' = 2 in global attention
    Encoded whole = encode(cfg, weights, images, ImageEncoder.ATTENTION_CHUNK_BYTES);
    Encoded chunked = encode(cfg, weights, images, 1);

    assertThat(chunked.opCount).isGreaterThan(whole.opCount); // the chunked graph really is another graph
    assertThat(whole.embeddings.shape()).containsExactly(2, 32, 8, 8);
    assertThat(whole.embeddings.amaxNumber().doubleValue()).isGreaterThan(0.1);
    assertRelativelyClose("embeddings", chunked.embeddings, whole.embeddings);
    assertThat(whole.gradients.keySet()).hasSize(chunked.gradients.size()).contains("image_encoder.blocks.1.attn.qkv.weight",
        "image_encoder.blocks.1.attn.rel_pos_h", "image_encoder.patch_embed.proj.weight");
    for (Map.Entry<String, INDArray> g : whole.gradients.entrySet()) {
      assertThat(g.getValue().amaxNumber().doubleValue()).as(g.getKey()).isGreaterThan(0);
      assertRelativelyClose("d/d " + g.getKey(), chunked.gradients.get(g.getKey()), g.getValue());
    }
  }

  /** Max |actual - expected| within {@link #TOL} of max |expected|. */
  private static void assertRelativelyClose(String what, INDArray actual, INDArray expected) {
    double scale = expected.amaxNumber().doubleValue();
    assertThat(maxAbsDiff(actual, expected)).as("%s (scale %s)", what, scale).isLessThanOrEqualTo(TOL * scale);
  }

  private record Encoded(INDArray embeddings, Map<String, INDArray> gradients, int opCount) {}

  /** Embeddings and the gradients of {@code sum(embeddings * r)} for a fixed r, the attention blocks trainable. */
  private static Encoded encode(SamConfig cfg, StateDict weights, INDArray images, long chunkBytes) {
    SameDiff sd = SameDiff.create();
    Scope root = Scope.root(sd, new StateDictParams(weights,
        name -> name.contains(".attn.") || name.startsWith("image_encoder.patch_embed.")));
    SDVariable in = SamAssembly.imagesInput(sd, "images", cfg);
    SDVariable emb = new ImageEncoder(cfg, EncoderBlockExtension.NONE, chunkBytes).build(root, in);
    Nd4j.getRandom().setSeed(7);
    INDArray r = Nd4j.rand(DataType.FLOAT, 2, cfg.promptEmbedDim(), 8, 8).subi(0.5);
    sd.sum("loss", emb.mul(sd.constant("r", r)));
    sd.setLossVariables("loss");
    List<String> trainable = new ArrayList<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        trainable.add(v.name());
      }
    }
    Map<String, INDArray> ph = Map.of("images", images);
    INDArray out = emb.eval(ph);
    Map<String, INDArray> grads = sd.calculateGradients(ph, trainable);
    return new Encoded(out.dup(), grads, sd.getOps().size());
  }
}
