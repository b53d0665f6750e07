package io.github.medsa.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.Prediction;
import io.github.medsa.Prompt;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.testing.Fixtures;
import io.github.medsa.training.data.FilePairing;
import io.github.medsa.training.data.MaskRule;
import io.github.medsa.training.data.PromptSimulator;
import io.github.medsa.training.data.SegmentationDataset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The library prints nothing in normal use, and a trainer frees what it owns on close.
 *
 * <p>The capture sees what Java code writes to {@code System.out} and {@code System.err} (the library, SameDiff,
 * ND4J's Java side); output of native code written to file descriptors 1 and 2 directly bypasses it and is not
 * covered. ND4J's own start-up (backend loading) happens before the capture, in the first test that touches it.
 */
class QuietLifecycleTest {
  private static MedSA model() throws Exception {
    return MedSA.builder().config(Fixtures.config("sam-tiny/config.json"))
        .checkpoint(Fixtures.path("sam-tiny/weights.safetensors")).adapters(Adapters.medsa()).seed(1).build();
  }

  private static SegmentationDataset data() throws Exception {
    Path folder = Path.of(QuietLifecycleTest.class.getResource("/colin27/128").toURI());
    return SegmentationDataset.fromFolders(folder, folder, MaskRule.labels(77, 78), FilePairing.byStem("img_", "lab_"))
        .filter(s -> s.mask().count() > 50).subset(List.of(0, 1));
  }

  private static TrainingConfig config() {
    return TrainingConfig.medsa().epochs(1).batchSize(2).learningRate(1e-3).seed(42)
        .prompts(PromptSimulator.builder().positiveClicks(1).build()).build();
  }

  @Test
  void buildEncodePredictAndATrainingStepPrintNothing() throws Exception {
    SegmentationDataset data = data();
    Captured c = capture(() -> {
      try (MedSA sam = model(); Trainer trainer = new Trainer(sam, config())) {
        try (EncodedImage image = sam.encode(data.get(0).image())) {
          image.predict(Prompt.click(60, 60)).close();
          image.predict(List.of(Prompt.click(60, 60), Prompt.box(40, 40, 90, 90))).forEach(Prediction::close);
        }
        trainer.fit(data, p -> { }, 1);
        return trainer.step();
      }
    });
    assertThat(c.result()).isEqualTo(1L);
    // Not even SameDiff's "Added differentiated op" lines: the backward pass is ours (Backprop).
    assertThat(c.out()).isEmpty();
    assertThat(c.err()).isEmpty();
  }

  @Test
  void closingTheTrainerFreesItsCopiesAndMomentsButNotTheModel() throws Exception {
    MedSA sam = model();
    Trainer trainer = new Trainer(sam, config());
    trainer.fit(data(), p -> { }, 1);
    List<INDArray> trained = trainer.graph().trainableNames().stream().map(trainer.graph()::tensor).toList();
    List<INDArray> moments = trainer.optimizer().state().values().stream()
        .flatMap(s -> java.util.stream.Stream.of(s.expAvg(), s.expAvgSq())).toList();
    assertThat(trained).hasSize(trainer.graph().trainableNames().size()).isNotEmpty();
    // Adam keeps two moments per tensor that received a gradient (a few trainable tensors get none here).
    assertThat(moments).hasSize(2 * trainer.optimizer().state().size()).isNotEmpty();
    MedSA adapted = trainer.toModel();

    trainer.close();
    trainer.close(); // idempotent
    assertThat(trained).allMatch(INDArray::wasClosed);
    assertThat(moments).allMatch(INDArray::wasClosed);
    assertThat(sam.weights().asMap().values()).noneMatch(INDArray::wasClosed);
    assertThatThrownBy(trainer::toModel).isInstanceOf(IllegalStateException.class).hasMessage("Trainer is closed");
    // The adapted model owns copies: it still predicts, and so does the model training started from.
    try (EncodedImage image = adapted.encode(data().get(0).image());
        Prediction p = image.predict(Prompt.click(60, 60))) {
      assertThat(p.count()).isEqualTo(3); // one click: multimask
    }
    adapted.close();

    Trainer second = new Trainer(sam, config());
    sam.close();
    assertThatThrownBy(() -> second.fit(data(), p -> { }, 1)).isInstanceOf(IllegalStateException.class)
        .hasMessage("the MedSA model this trainer trains is closed (close the trainer first)");
    second.close();
  }

  /** What a call returned and what it wrote to {@code System.out} and {@code System.err}. */
  record Captured(Object result, String out, String err) {}

  /** Runs {@code work} with {@code System.out} and {@code System.err} captured, restoring them afterwards. */
  static Captured capture(Callable<?> work) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    Object result;
    try {
      result = work.call();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Captured(result, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }
}
