package io.github.medsa.cli;

import io.github.medsa.training.LearningRateSchedule;
import io.github.medsa.training.LossFunction;
import io.github.medsa.training.TrainableSet;
import io.github.medsa.training.TrainingConfig;
import io.github.medsa.training.data.PromptSimulator;
import java.util.Locale;
import picocli.CommandLine.Option;

/** How to train: what, how long, how fast, from which seed, with which simulated prompts. */
public final class TrainingOptions {
  @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
  public int epochs;

  @Option(names = "--batch-size", description = "Images per step (default: 2; volumes: the chunk length D).")
  public Integer batchSize;

  @Option(names = "--lr", defaultValue = "1e-4", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  public double lr;

  @Option(names = "--schedule", defaultValue = "constant",
      description = "Learning-rate schedule: constant or cosine (to --min-lr) (default: ${DEFAULT-VALUE}).")
  public String schedule;

  @Option(names = "--min-lr", defaultValue = "0", description = "Cosine schedule: final learning rate (default: ${DEFAULT-VALUE}).")
  public double minLr;

  @Option(names = "--warmup", defaultValue = "0",
      description = "Linear warm-up over the first N steps (default: ${DEFAULT-VALUE}).")
  public int warmup;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of adapter initialisation, data order and prompts (default: ${DEFAULT-VALUE}).")
  public long seed;

  @Option(names = "--trainable", defaultValue = "adapters+decoder",
      description = "What trains: adapters+decoder (Med-SA), adapters, decoder or all (default: ${DEFAULT-VALUE}).")
  public String trainable;

  @Option(names = "--loss", defaultValue = "bce", description = "bce (BCE, pos_weight 2: Med-SA 2D) or dice-bce "
      + "(default: ${DEFAULT-VALUE}).")
  public String loss;

  @Option(names = "--prompt", defaultValue = "click", description = "Simulated prompts: click, box or box+click "
      + "(default: ${DEFAULT-VALUE}).")
  public String prompt;

  @Option(names = "--box-jitter", defaultValue = "10", description = "Box edge jitter in pixels (default: ${DEFAULT-VALUE}).")
  public int boxJitter;

  public TrainableSet trainableSet() {
    return switch (trainable.trim().toLowerCase(Locale.ROOT)) {
      case "adapters+decoder", "adapters_and_decoder" -> TrainableSet.ADAPTERS_AND_DECODER;
      case "adapters" -> TrainableSet.ADAPTERS;
      case "decoder" -> TrainableSet.DECODER;
      case "all" -> TrainableSet.ALL;
      default -> throw new UserInputException("--trainable '" + trainable
          + "': use adapters+decoder, adapters, decoder or all");
    };
  }

  /** Whether the model needs Med-SA adapters for this trainable set. */
  public boolean needsAdapters() {
    TrainableSet t = trainableSet();
    return t == TrainableSet.ADAPTERS_AND_DECODER || t == TrainableSet.ADAPTERS;
  }

  public PromptSimulator prompts() {
    return prompts(prompt, boxJitter);
  }

  static PromptSimulator prompts(String kind, int jitter) {
    if (jitter < 0) {
      throw new UserInputException("--box-jitter must be >= 0, got " + jitter);
    }
    return switch (kind.trim().toLowerCase(Locale.ROOT)) {
      case "click" -> PromptSimulator.builder().positiveClicks(1).build();
      case "box" -> PromptSimulator.builder().box().boxJitter(jitter).build();
      case "box+click" -> PromptSimulator.builder().positiveClicks(1).box().clicksWithBox(true).boxJitter(jitter).build();
      default -> throw new UserInputException("--prompt '" + kind + "': use click, box or box+click");
    };
  }

  public TrainingConfig config(int defaultBatch) {
    if (epochs <= 0) {
      throw new UserInputException("--epochs must be positive, got " + epochs);
    }
    if (!(lr > 0)) {
      throw new UserInputException("--lr must be positive, got " + lr);
    }
    int batch = batchSize != null ? batchSize : defaultBatch;
    if (batch <= 0) {
      throw new UserInputException("--batch-size must be positive, got " + batch);
    }
    LossFunction l = switch (loss.trim().toLowerCase(Locale.ROOT)) {
      case "bce" -> LossFunction.bce(2.0);
      case "dice-bce" -> LossFunction.diceBce();
      default -> throw new UserInputException("--loss '" + loss + "': use bce or dice-bce");
    };
    return TrainingConfig.medsa().trainable(trainableSet()).epochs(epochs).batchSize(batch).schedule(schedule())
        .seed(seed).loss(l).prompts(prompts()).build();
  }

  LearningRateSchedule schedule() {
    if (warmup < 0) {
      throw new UserInputException("--warmup must be >= 0, got " + warmup);
    }
    LearningRateSchedule s = switch (schedule.trim().toLowerCase(Locale.ROOT)) {
      case "constant" -> LearningRateSchedule.constant(lr);
      case "cosine" -> {
        if (!(minLr >= 0 && minLr <= lr)) {
          throw new UserInputException("--min-lr must be in [0, --lr], got " + minLr);
        }
        yield LearningRateSchedule.cosine(lr, minLr);
      }
      default -> throw new UserInputException("--schedule '" + schedule + "': use constant or cosine");
    };
    return warmup > 0 ? s.withWarmup(warmup) : s;
  }
}
