package io.github.medsa.cli;

import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.Prediction;
import io.github.medsa.Prompt;
import io.github.medsa.metrics.CaseMetrics;
import io.github.medsa.metrics.DatasetMetrics;
import io.github.medsa.metrics.SegmentationMetrics;
import io.github.medsa.training.data.PromptSimulator;
import io.github.medsa.training.data.Sample;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores a model on labelled samples: each sample gets a prompt simulated from its own mask (seeded by the sample's
 * index, so every model sees the same prompts), the single-mask prediction is compared with the mask (MONAI
 * Dice, IoU, HD95 at probability 0.5).
 */
public final class Evaluator {
  /** One scored sample with the prompt it got and the predicted mask ({@code [H, W]}). */
  public record CaseResult(Sample sample, Prompt prompt, CaseMetrics metrics, INDArray predicted) {}

  private final PromptSimulator prompts;
  private final long seed;
  private final SegmentationMetrics metrics;

  public Evaluator(PromptSimulator prompts, long seed, SegmentationMetrics metrics) {
    this.prompts = prompts;
    this.seed = seed;
    this.metrics = metrics;
  }

  public Evaluator(PromptSimulator prompts, long seed) {
    this(prompts, seed, SegmentationMetrics.monai());
  }

  public List<CaseResult> evaluate(MedSA model, List<Sample> samples) {
    List<CaseResult> out = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      Prompt prompt = prompts.simulate(s.mask(), seed, 0, i);
      int h = s.mask().height();
      int w = s.mask().width();
      // The image's embedding and the prediction are freed per sample; the result keeps a copy of its mask.
      try (EncodedImage encoded = model.encode(s.image());
          Prediction p = encoded.predict(prompt)) {
        INDArray logits = p.logits().castTo(DataType.FLOAT).reshape(p.count(), h, w).slice(0).dup();
        CaseMetrics m = metrics.fromLogits(logits, s.mask().toINDArray().castTo(DataType.FLOAT).reshape(h, w));
        out.add(new CaseResult(s, prompt, m, p.mask(0).dup()));
      }
    }
    return out;
  }

  public static DatasetMetrics summary(List<CaseResult> cases) {
    return DatasetMetrics.of(cases.stream().map(CaseResult::metrics).toList());
  }
}
