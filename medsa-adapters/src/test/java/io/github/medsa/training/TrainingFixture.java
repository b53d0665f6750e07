package io.github.medsa.training;

import static io.github.medsa.testing.Fixtures.assertClose;
import static io.github.medsa.testing.Fixtures.npy;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.github.medsa.SamConfig;
import io.github.medsa.checkpoint.Checkpoints;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.model.ModelExtension;
import io.github.medsa.model.PromptTokens;
import io.github.medsa.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A Med-SA training fixture ({@code medsa-tiny-2d}, {@code medsa-tiny-3d}) and the checks that pin a port to it:
 * the step-0 forward, both losses, every gradient, and the tensors after two Adam steps (lr 1e-4).
 */
public final class TrainingFixture {
  private static final double LR = 1e-4;
  /** Below this, a float32 gradient is rounding noise around an analytical zero. */
  private static final double NOISE = 1e-8;
  /** Updates below 1 % of lr come from gradients below Adam's eps (1e-8): rounding noise, not a signal. */
  private static final double SUB_EPS_UPDATE = 0.01 * LR;

  private final String dir;
  private final SamConfig cfg;
  private final StateDict weights;
  private final Set<String> trainable = new HashSet<>();
  private final TrainingBatch batch;

  private TrainingFixture(String dir) throws IOException {
    this.dir = dir;
    this.cfg = Fixtures.config(dir + "config.json");
    this.weights = Checkpoints.read(Fixtures.path(dir + "weights.safetensors"));
    JsonParser.parseString(Files.readString(Fixtures.path(dir + "trainable.json"))).getAsJsonObject()
        .getAsJsonArray("names").forEach(e -> trainable.add(e.getAsString()));
    INDArray coords = npy(dir + "point_coords.npy");
    int[] labels = npy(dir + "point_labels.npy").castTo(DataType.INT).reshape(-1).toIntVector();
    List<PromptTokens.Input> prompts = new ArrayList<>();
    for (int b = 0; b < labels.length; b++) {
      prompts.add(new PromptTokens.Input(new float[][] {{coords.getFloat(b, 0, 0), coords.getFloat(b, 0, 1)}},
          new int[] {labels[b]}, null));
    }
    this.batch = new TrainingBatch(npy(dir + "images.npy"), PromptTokens.of(prompts, cfg.imageSize()),
        npy(dir + "masks.npy"));
  }

  /** Loads {@code fixtures/<name>/}. */
  public static TrainingFixture load(String name) throws IOException {
    return new TrainingFixture(name + "/");
  }

  public SamConfig config() {
    return cfg;
  }

  public Set<String> trainable() {
    return trainable;
  }

  private TrainingGraph graph(ModelExtension extension, LossFunction loss) {
    return TrainingGraph.build(cfg, extension, weights, trainable::contains, loss, 64);
  }

  /** Step 0: embeddings, prompt embeddings, low-res logits and IoU within 1e-4 x max(1, max|ref|). */
  public void assertForwardMatches(ModelExtension extension, LossFunction loss) {
    Map<String, INDArray> out = graph(extension, loss).forward(batch, TrainingGraph.IMAGE_EMBEDDINGS,
        TrainingGraph.SPARSE, TrainingGraph.DENSE, TrainingGraph.LOW_RES_LOGITS, TrainingGraph.IOU);
    assertClose("image embeddings", out.get(TrainingGraph.IMAGE_EMBEDDINGS), npy(dir + "step0/image_embeddings.npy"),
        1e-4);
    assertClose("sparse", out.get(TrainingGraph.SPARSE), npy(dir + "step0/sparse_embeddings.npy"), 1e-4);
    assertClose("dense", out.get(TrainingGraph.DENSE), npy(dir + "step0/dense_embeddings.npy"), 1e-4);
    assertClose("low-res logits", out.get(TrainingGraph.LOW_RES_LOGITS), npy(dir + "step0/low_res_logits.npy"), 1e-4);
    assertClose("iou", out.get(TrainingGraph.IOU), npy(dir + "step0/iou_predictions.npy"), 1e-4);
  }

  /**
   * Both losses (1e-5 relative), every step-0 gradient (1e-4 x max|ref| + 1e-7), the update of every tensor over
   * two Adam steps ({@code after - before} within 1e-4 x the reference update's max, plus two float32 ulps of the
   * parameter, the finest update float32 can represent), and frozen tensors
   * bit-identical. Returns the tensors whose reference gradient is
   * float noise around an analytical zero (checked against Adam's step bound instead).
   */
  public List<String> assertTwoAdamStepsMatch(ModelExtension extension, LossFunction loss) throws IOException {
    TrainingGraph g = graph(extension, loss);
    JsonArray losses = JsonParser.parseString(Files.readString(Fixtures.path(dir + "losses.json"))).getAsJsonArray();
    StateDict refGrads = Checkpoints.read(Fixtures.path(dir + "step0/grads.safetensors"));
    StateDict after = Checkpoints.read(Fixtures.path(dir + "after_steps.safetensors"));

    Map<String, INDArray> params = new LinkedHashMap<>();
    trainable.forEach(n -> params.put(n, g.tensor(n)));
    Map<String, INDArray> frozenBefore = new LinkedHashMap<>();
    weights.names().stream().filter(n -> !trainable.contains(n) && g.hasTensor(n))
        .forEach(n -> frozenBefore.put(n, g.tensor(n).dup()));
    AdamOptimizer adam = new AdamOptimizer(AdamOptimizer.Settings.pytorchDefaults());
    for (int step = 0; step < 2; step++) {
      TrainingGraph.Gradients grads = g.gradients(batch);
      double ref = losses.get(step).getAsDouble();
      assertThat(Math.abs(grads.loss() - ref) / ref).as("loss of step %s: %s vs %s", step, grads.loss(), ref)
          .isLessThanOrEqualTo(1e-5);
      if (step == 0) {
        assertGradientsMatch(grads, refGrads);
      }
      Map<String, INDArray> present = new LinkedHashMap<>();
      grads.byName().forEach((n, v) -> {
        if (refGrads.contains(n)) {
          present.put(n, v);
        }
      });
      adam.step(params, present, LR);
    }
    List<String> noiseOnly = new ArrayList<>();
    for (String n : after.names()) {
      INDArray ref = after.get(n);
      double refGradMax = refGrads.contains(n) ? refGrads.get(n).amaxNumber().doubleValue() : 0;
      if (refGradMax > 0 && refGradMax < NOISE) {
        // E.g. the key-projection biases of softmax attention: an analytically zero gradient (a constant shift of
        // every key's score) whose ~1e-10 float32 noise Adam scales up to lr-sized steps. No port reproduces
        // another's rounding noise; what is meaningful is that both move by at most Adam's bound.
        noiseOnly.add(n);
        assertThat(Fixtures.maxAbsDiff(g.tensor(n), weights.get(n))).as("%s moved by at most 2 lr", n)
            .isLessThanOrEqualTo(2 * LR * 1.001);
        assertThat(Fixtures.maxAbsDiff(ref, weights.get(n))).as("reference %s moved by at most 2 lr", n)
            .isLessThanOrEqualTo(2 * LR * 1.001);
        continue;
      }
      // The update, not the parameter: a tolerance on the parameter's scale would let a wrong update through.
      INDArray before = weights.get(n).castTo(DataType.DOUBLE);
      INDArray refUpdate = ref.castTo(DataType.DOUBLE).sub(before);
      INDArray ourUpdate = g.tensor(n).castTo(DataType.DOUBLE).sub(before);
      double scale = Transforms.abs(refUpdate).maxNumber().doubleValue();
      if (scale < SUB_EPS_UPDATE) {
        // A gradient far below Adam's eps (zero at step 0 and float noise at step 1, e.g. behind a zero-initialised
        // up-projection) moves a tensor by lr * g / eps, a few thousandths of lr: no port reproduces that noise,
        // so both updates must merely be as negligible.
        assertThat(Transforms.abs(ourUpdate).maxNumber().doubleValue()).as("%s: a negligible update", n)
            .isLessThan(SUB_EPS_UPDATE);
        continue;
      }
      // float32 resolves a parameter only to its ulp: two rounded steps may differ by that much whatever the update.
      double resolution = 2 * Math.ulp(Transforms.abs(before).maxNumber().floatValue());
      double diff = Transforms.abs(ourUpdate.sub(refUpdate)).maxNumber().doubleValue();
      assertThat(diff).as("%s update over two steps: max |d| %s, update scale %s", n, diff, scale)
          .isLessThanOrEqualTo(1e-4 * scale + resolution);
    }
    frozenBefore.forEach((n, v) -> assertThat(g.tensor(n).equals(v)).as("frozen %s unchanged", n).isTrue());
    return noiseOnly;
  }

  private static void assertGradientsMatch(TrainingGraph.Gradients grads, StateDict refGrads) {
    for (String n : refGrads.names()) {
      INDArray ref = refGrads.get(n);
      INDArray ours = grads.byName().get(n);
      assertThat(ours).as("gradient of %s", n).isNotNull();
      double scale = Transforms.abs(ref.castTo(DataType.DOUBLE)).maxNumber().doubleValue();
      double diff = Fixtures.maxAbsDiff(ours, ref);
      assertThat(diff).as("gradient of %s: max |d| %s, max |ref| %s", n, diff, scale)
          .isLessThanOrEqualTo(1e-4 * scale + 1e-7);
    }
    for (String n : grads.byName().keySet()) {
      if (!refGrads.contains(n)) {
        assertThat(grads.byName().get(n).amaxNumber().doubleValue()).as("gradient of %s (none in PyTorch)", n).isZero();
      }
    }
  }
}
