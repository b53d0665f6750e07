package io.github.medsa.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.medsa.MedSA;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.checkpoint.CheckpointFormatException;
import io.github.medsa.checkpoint.Safetensors;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.testing.Fixtures;
import io.github.medsa.training.data.FilePairing;
import io.github.medsa.training.data.MaskRule;
import io.github.medsa.training.data.PromptSimulator;
import io.github.medsa.training.data.SegmentationDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on a few real Colin27 slices with the sam-tiny model: seeds, resume, what trains. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainerTest {
  @TempDir
  Path tmp;
  private SegmentationDataset data;

  @BeforeAll
  void load() throws Exception {
    Path folder = Path.of(TrainerTest.class.getResource("/colin27/128").toURI());
    SegmentationDataset all = SegmentationDataset.fromFolders(folder, folder, MaskRule.labels(77, 78),
        FilePairing.byStem("img_", "lab_"));
    data = all.filter(s -> s.mask().count() > 50).subset(List.of(0, 1, 2, 3, 4));
  }

  private MedSA model() throws Exception {
    return MedSA.builder().config(Fixtures.config("sam-tiny/config.json"))
        .checkpoint(Fixtures.path("sam-tiny/weights.safetensors")).adapters(Adapters.medsa()).seed(1).build();
  }

  private TrainingConfig config(int epochs) {
    return TrainingConfig.medsa().epochs(epochs).batchSize(2).learningRate(1e-3).seed(42)
        .prompts(PromptSimulator.builder().positiveClicks(1).boxProbability(0.5).box().boxJitter(3).build()).build();
  }

  @Test
  void sameSeedGivesIdenticalLossesAndFrozenTensorsStayBitIdentical() throws Exception {
    MedSA model = model();
    StateDict before = model.weights();
    Trainer a = new Trainer(model, config(2));
    Trainer b = new Trainer(model(), config(2));
    List<Double> la = a.fit(data, TrainingListener.NONE);
    List<Double> lb = b.fit(data, TrainingListener.NONE);
    assertThat(la).hasSize(6).containsExactlyElementsOf(lb);
    StateDict after = a.weights();
    int changed = 0;
    for (String n : before.names()) {
      boolean trains = TrainingConfig.medsa().build().trainable().trains(n);
      boolean same = after.get(n).equals(before.get(n));
      if (!trains) {
        assertThat(same).as("frozen %s unchanged", n).isTrue();
      } else if (!same) {
        changed++;
      }
    }
    assertThat(changed).as("trained tensors that moved").isGreaterThan(50);
    // Training copies what it trains: the model it started from is untouched.
    assertThat(model.weights().get("mask_decoder.iou_token.weight").equals(before.get("mask_decoder.iou_token.weight")))
        .isTrue();
    Trainer other = new Trainer(model(), config(2).toBuilder().seed(43).build());
    assertThat(other.fit(data, TrainingListener.NONE)).isNotEqualTo(la);
  }

  @Test
  void resumingContinuesExactlyAsAnUninterruptedRun() throws Exception {
    Trainer straight = new Trainer(model(), config(2));
    List<Double> expected = straight.fit(data, TrainingListener.NONE);

    Trainer first = new Trainer(model(), config(2));
    first.fit(data, TrainingListener.NONE, 4); // stop mid-epoch 1 (3 steps per epoch)
    first.save(tmp.resolve("run"));
    Trainer resumed = Trainer.resume(model(), config(2), tmp.resolve("run"));
    assertThat(resumed.step()).isEqualTo(4);
    List<Double> losses = resumed.fit(data, TrainingListener.NONE);
    assertThat(losses).containsExactlyElementsOf(expected);
    StateDict a = straight.trainedTensors();
    StateDict b = resumed.trainedTensors();
    for (String n : a.names()) {
      assertThat(b.get(n).equals(a.get(n))).as(n).isTrue();
    }
    // The trained part alone is a normal safetensors file with official names.
    assertThat(Safetensors.read(tmp.resolve("run/trained.safetensors")).names())
        .contains("image_encoder.blocks.0.Space_Adapter.D_fc1.weight", "mask_decoder.iou_token.weight")
        .doesNotContain("image_encoder.blocks.0.attn.qkv.weight");
    assertThatThrownBy(() -> Trainer.resume(model(), config(2).toBuilder().seed(7).build(), tmp.resolve("run")))
        .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("seed = 42 but resumes with seed = 7");
  }

  @Test
  void resumeChecksEverySettingThatDeterminesTheRun() throws Exception {
    Path run = tmp.resolve("checked");
    Trainer first = new Trainer(model(), config(2));
    first.fit(data, TrainingListener.NONE, 1);
    first.save(run);
    TrainingConfig c = config(2);
    Map<String, TrainingConfig> changed = new LinkedHashMap<>();
    changed.put("epochs", c.toBuilder().epochs(3).build());
    changed.put("batchSize", c.toBuilder().batchSize(1).build());
    changed.put("shuffle", c.toBuilder().shuffle(false).build());
    changed.put("trainable", c.toBuilder().trainable(TrainableSet.DECODER).build());
    changed.put("schedule", c.toBuilder().schedule(LearningRateSchedule.cosine(1e-3, 0).withWarmup(2)).build());
    changed.put("loss", c.toBuilder().loss(LossFunction.diceBce()).build());
    changed.put("adam", c.toBuilder().adam(new AdamOptimizer.Settings(0.8, 0.999, 1e-8, 0)).build());
    changed.put("outSize", c.toBuilder().outSize(64).build());
    changed.put("prompts", c.toBuilder().prompts(PromptSimulator.defaults()).build());
    for (Map.Entry<String, TrainingConfig> e : changed.entrySet()) {
      assertThatThrownBy(() -> Trainer.resume(model(), e.getValue(), run)).as(e.getKey())
          .isInstanceOf(ResumeMismatchException.class)
          .hasMessageContaining("the run was saved with " + e.getKey() + " = ")
          .satisfies(x -> assertThat(((ResumeMismatchException) x).setting()).isEqualTo(e.getKey()));
    }
    assertThatThrownBy(() -> Trainer.resume(model(), c.toBuilder().learningRate(2e-3).build(), run))
        .isInstanceOf(ResumeMismatchException.class)
        .hasMessageEndingWith("saved with schedule = constant(lr=0.001) but resumes with schedule = constant(lr=0.002)");
    MedSA plain = MedSA.builder().config(Fixtures.config("sam-tiny/config.json"))
        .checkpoint(Fixtures.path("sam-tiny/weights.safetensors")).build();
    Path decoderRun = tmp.resolve("decoder");
    TrainingConfig decoder = c.toBuilder().trainable(TrainableSet.DECODER).build();
    Trainer d = new Trainer(model(), decoder);
    d.fit(data, TrainingListener.NONE, 1);
    d.save(decoderRun);
    assertThatThrownBy(() -> Trainer.resume(plain, decoder, decoderRun)).isInstanceOf(ResumeMismatchException.class)
        .satisfies(x -> assertThat(((ResumeMismatchException) x).setting()).isEqualTo("extension"));

    // Missing or malformed fields are typed errors naming the field, never a NullPointerException.
    Path state = run.resolve("training.json");
    String json = Files.readString(state);
    Files.writeString(state, json.replaceFirst("\"epochs\": \"2\",", ""));
    assertThatThrownBy(() -> Trainer.resume(model(), c, run)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageEndingWith("training.json: field 'epochs' is missing");
    Files.writeString(state, json.replaceFirst("\"step\": 1,", "\"step\": \"one\","));
    assertThatThrownBy(() -> Trainer.resume(model(), c, run)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageEndingWith("training.json: field 'step' is \"one\", not a number");
    Files.writeString(state, json.replaceFirst("\"losses\": \\[", "\"losses\": [\"x\","));
    assertThatThrownBy(() -> Trainer.resume(model(), c, run)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageEndingWith("training.json: field 'losses' holds \"x\", not a number");
    Files.writeString(state, "[1, 2]");
    assertThatThrownBy(() -> Trainer.resume(model(), c, run)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageEndingWith("training.json: not a JSON object");
  }

  @Test
  void trainableSetsSelectWhatMoves() throws Exception {
    for (TrainableSet set : List.of(TrainableSet.ADAPTERS, TrainableSet.DECODER, TrainableSet.ALL)) {
      MedSA model = model();
      Trainer t = new Trainer(model, config(1).toBuilder().trainable(set).build());
      t.fit(data, TrainingListener.NONE, 1);
      StateDict after = t.weights();
      List<String> moved = new ArrayList<>();
      for (String n : model.weights().names()) {
        if (!after.get(n).equals(model.weights().get(n))) {
          moved.add(n);
        }
      }
      assertThat(moved).as("%s", set).isNotEmpty().allMatch(set::trains);
      if (set == TrainableSet.ALL) {
        assertThat(moved).anyMatch(n -> n.startsWith("image_encoder.blocks.0.attn.qkv"));
      }
    }
    assertThat(new Trainer(model(), config(1)).parameters().trainable()).isEqualTo(
        ParameterReport.of(io.github.medsa.internal.model.SamParameters.shapes(model().config(), Adapters.medsa()),
            TrainableSet.ADAPTERS_AND_DECODER::trains).trainable());
  }

  @Test
  void listenerSeesEveryStep() throws Exception {
    List<TrainingProgress> seen = new ArrayList<>();
    new Trainer(model(), config(1)).fit(data, seen::add);
    assertThat(seen).hasSize(3);
    assertThat(seen.get(0).step()).isEqualTo(1);
    assertThat(seen.get(2).step()).isEqualTo(3);
    assertThat(seen.get(2).totalSteps()).isEqualTo(3);
    assertThat(seen.get(0).learningRate()).isEqualTo(1e-3);
    assertThat(seen).allMatch(p -> Double.isFinite(p.loss()) && p.loss() > 0);
  }

  @Test
  void schedules() {
    assertThat(LearningRateSchedule.step(1e-3, 10, 0.5).at(25, 100)).isEqualTo(2.5e-4);
    LearningRateSchedule cos = LearningRateSchedule.cosine(1e-3, 1e-5);
    assertThat(cos.at(0, 11)).isEqualTo(1e-3);
    assertThat(cos.at(10, 11)).isCloseTo(1e-5, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(cos.at(5, 11)).isCloseTo(5.05e-4, org.assertj.core.data.Offset.offset(1e-12));
    LearningRateSchedule warm = LearningRateSchedule.constant(1e-3).withWarmup(4);
    assertThat(warm.at(0, 100)).isEqualTo(2.5e-4);
    assertThat(warm.at(3, 100)).isEqualTo(1e-3);
    assertThat(warm.at(50, 100)).isEqualTo(1e-3);
  }
}
