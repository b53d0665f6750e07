package io.github.medsa.examples.demo;

import io.github.medsa.Backbone;
import io.github.medsa.MedSA;
import io.github.medsa.SamConfig;
import io.github.medsa.TinyVitSizes;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.cli.Evaluator;
import io.github.medsa.cli.LossChart;
import io.github.medsa.cli.ModelOptions;
import io.github.medsa.cli.ProgressListener;
import io.github.medsa.cli.UserInputException;
import io.github.medsa.extension.ModelExtension;
import io.github.medsa.training.LearningRateSchedule;
import io.github.medsa.training.LossFunction;
import io.github.medsa.training.ParameterReport;
import io.github.medsa.training.TrainableSet;
import io.github.medsa.training.Trainer;
import io.github.medsa.training.TrainingConfig;
import io.github.medsa.training.data.PromptSimulator;
import io.github.medsa.training.data.Sample;
import io.github.medsa.training.data.SegmentationDataset;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code medsa demo}: Med-SA's claim at small scale on the bundled Colin27 MRI and AAL atlas. A compact SAM is
 * pre-trained from random weights on axial slices of several deep-grey-matter structures, then adapted to one it
 * never saw (the thalamus) three ways — not at all (frozen), with Med-SA adapters (adapters + decoder) and by full
 * fine-tuning, and the decoder alone as a control — and scored on a held-out block of slices.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Pre-train a compact SAM on Colin27/AAL structures, adapt it to the unseen thalamus with Med-SA "
        + "adapters vs full fine-tuning, and report Dice on held-out slices. No download, no GPU.",
        "With --checkpoint (sam_vit_b_01ec64.pth, ...) the pre-training is skipped and the real SAM is adapted."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:results written", "1:unexpected failure", "2:bad input"})
public final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  ModelOptions model = new ModelOptions();

  @Option(names = {"-o", "--out"}, defaultValue = "medsa-demo", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--data", description = "Folder with ch2.nii.gz and aal.nii.gz (default: the bundled data/colin27).")
  Path data;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of weights, data order and prompts (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--quick", description = "Smoke mode: tiny model, few slices, one epoch each (~1 minute).")
  boolean quick;

  @Option(names = "--pretrain-epochs", description = "Epochs of pre-training (default: 20, quick 1).")
  Integer pretrainEpochs;

  @Option(names = "--adapt-epochs", description = "Epochs of adaptation and of full fine-tuning (default: 40, quick 1).")
  Integer adaptEpochs;

  @Option(names = "--lr", description = "Learning rate of adaptation and fine-tuning (default: 2e-3 compact, 1e-4 with --checkpoint).")
  Double lr;

  @Option(names = "--adapter-init", defaultValue = "zero", description = "How the adapters' up-projections start: "
      + "zero (the adapted model starts as the frozen one) or pytorch (nn.Linear's default, as the official Med-SA "
      + "code); default: ${DEFAULT-VALUE}.")
  String adapterInit;

  /** Structures the compact model is pre-trained on (each hemisphere its own sample). */
  static final Map<String, Set<Integer>> PRETRAIN = pretrainStructures();
  /**
   * Epochs and batch sizes of pre-training and of each adaptation: 180 pre-training slices in 12 steps of 16 and
   * 12 thalamus slices in 2 steps of 8, so 240 + 4 x 80 = 560 optimiser steps. A step of this compact model costs
   * SameDiff's per-op overhead more than arithmetic, so a batch of 16 costs 1.35x a batch of 8 (measured), and
   * pre-training in batches of 16 is what keeps the demo within 5 minutes on 2 cores.
   */
  static final int PRETRAIN_EPOCHS = 20;
  static final int PRETRAIN_BATCH = 16;
  static final int ADAPT_EPOCHS = 40;
  static final int ADAPT_BATCH = 8;

  /**
   * The pre-training slices: every {@code every}-th training-block slice (at least 20 pixels) of each
   * {@link #PRETRAIN} structure, none from the validation or held-out blocks.
   */
  static List<Sample> pretrainingSamples(Colin27 colin, int every) {
    List<Sample> pre = new ArrayList<>();
    for (Map.Entry<String, Set<Integer>> e : PRETRAIN.entrySet()) {
      pre.addAll(colin.samples(e.getKey(), e.getValue(), DemoCommand::training, 20));
    }
    return everyNth(pre, every); // every other slice of each structure: half the steps, little lost
  }

  /** The unseen target: both thalami. */
  static final Set<Integer> TARGET = Set.of(77, 78);

  private static Map<String, Set<Integer>> pretrainStructures() {
    Map<String, Set<Integer>> m = new LinkedHashMap<>();
    String[][] names = {{"hippocampus", "37", "38"}, {"parahippocampal", "39", "40"}, {"amygdala", "41", "42"},
        {"insula", "29", "30"}, {"caudate", "71", "72"}, {"putamen", "73", "74"}, {"pallidum", "75", "76"}};
    for (String[] n : names) {
      m.put(n[0] + "_L", Set.of(Integer.parseInt(n[1])));
      m.put(n[0] + "_R", Set.of(Integer.parseInt(n[2])));
    }
    return m;
  }

  /**
   * Held-out slices: one contiguous block of axial slices, the top of the thalamus (it spans axial slices 70..91
   * with at least 20 pixels), scored and never trained on, for any structure. A block, not every 4th slice, so
   * the score is not interpolation between trained neighbours.
   */
  static final int HELD_OUT_FIRST = 86;
  static final int HELD_OUT_LAST = 91;
  /**
   * Validation slices: the bottom of the thalamus, a second contiguous block on the other side of the training
   * slices (74..85), never trained on either. Recipes are compared on it; the held-out block only reports.
   */
  static final int VALIDATION_FIRST = 70;
  static final int VALIDATION_LAST = 73;

  /** Which of the three disjoint blocks an axial slice belongs to. */
  enum Split { TRAINING, VALIDATION, HELD_OUT }

  static Split split(int slice) {
    if (slice >= HELD_OUT_FIRST && slice <= HELD_OUT_LAST) {
      return Split.HELD_OUT;
    }
    return slice >= VALIDATION_FIRST && slice <= VALIDATION_LAST ? Split.VALIDATION : Split.TRAINING;
  }

  static boolean heldOut(int slice) {
    return split(slice) == Split.HELD_OUT;
  }

  static boolean training(int slice) {
    return split(slice) == Split.TRAINING;
  }

  /** The demo's adapters for {@code --adapter-init}: {@code zero} or {@code pytorch}. */
  static Adapters adapters(String init) {
    return switch (init) {
      case "zero" -> Adapters.medsa();
      case "pytorch" -> Adapters.medsa().pytorchInit();
      default -> throw new UserInputException("--adapter-init must be zero or pytorch, got " + init);
    };
  }

  @Override
  public Integer call() throws Exception {
    PrintStream log = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
    long start = System.nanoTime();
    Colin27 colin = Colin27.load(data != null ? data : Colin27.defaultDir());
    Files.createDirectories(out);
    boolean real = model.checkpoint != null;
    int minPixels = 20;
    PromptSimulator prompts = PromptSimulator.builder().positiveClicks(1).box().clicksWithBox(true)
        .boxJitter(5).build(); // one prompt layout (box + click): each step is one batch through the graph
    Adapters medsaAdapters = adapters(adapterInit);
    List<Sample> target = colin.samples("thalamus", TARGET, DemoCommand::training, minPixels);
    List<Sample> validation = colin.samples("thalamus", TARGET, s -> split(s) == Split.VALIDATION, minPixels);
    List<Sample> test = colin.samples("thalamus", TARGET, DemoCommand::heldOut, minPixels);
    if (quick) {
      target = target.subList(0, Math.min(4, target.size()));
      validation = validation.subList(0, Math.min(2, validation.size()));
      test = test.subList(0, Math.min(2, test.size()));
    }
    log.printf("Colin27: %d thalamus training slices, %d validation slices (axial %d..%d), %d held-out slices "
        + "(axial %d..%d)%n", target.size(), validation.size(), VALIDATION_FIRST, VALIDATION_LAST, test.size(),
        HELD_OUT_FIRST, HELD_OUT_LAST);

    Map<String, List<Double>> curves = new LinkedHashMap<>();
    StateDict base;
    SamConfig cfg;
    double pretrainSeconds = 0;
    if (real) {
      cfg = model.samConfig();
      if (model.imageSize == null) {
        model.imageSize = 256;
      }
      MedSA sam = model.load(ModelExtension.NONE, seed);
      cfg = sam.config();
      base = sam.weights();
      log.printf("Loaded %s (%s, input %d): pre-training skipped%n", model.checkpoint, cfg.encoderEmbedDim() + "-d",
          cfg.imageSize());
    } else {
      boolean tinyVit = model.backbone().map(b -> b == Backbone.TINY_VIT).orElse(false);
      cfg = model.config != null ? model.samConfig() : tinyVit ? compactTinyVitConfig(quick) : compactConfig(quick);
      List<Sample> pre = pretrainingSamples(colin, quick ? 16 : 2);
      MedSA scratch = MedSA.builder().config(cfg).randomWeights().seed(seed).build();
      int epochs = pretrainEpochs != null ? pretrainEpochs : quick ? 1 : PRETRAIN_EPOCHS;
      TrainingConfig tc = training(TrainableSet.ALL, epochs, 1e-3, prompts, pre.size(), PRETRAIN_BATCH);
      Trainer t = new Trainer(scratch, tc);
      log.printf("(1) pre-training a compact SAM from random weights on %d slices of %d structures "
          + "(%d epochs, all parameters: %s)%n", pre.size(), PRETRAIN.size(), epochs, t.parameters());
      long t0 = System.nanoTime();
      try (ProgressListener bar = new ProgressListener("pre-train", log)) {
        t.fit(SegmentationDataset.fromMemory(pre), bar);
      }
      pretrainSeconds = (System.nanoTime() - t0) / 1e9;
      curves.put("pre-training (other structures)", t.losses());
      base = t.weights();
      // The pre-trained compact SAM, so that recipes can be compared without pre-training again:
      // --checkpoint OUT/pretrained.safetensors --image-size 96 --lr 2e-3 (config.json beside it is read).
      io.github.medsa.checkpoint.Safetensors.write(out.resolve("pretrained.safetensors"), base);
      io.github.medsa.cli.SamConfigFiles.write(out.resolve("config.json"), cfg);
    }

    int epochs = adaptEpochs != null ? adaptEpochs : quick ? 1 : ADAPT_EPOCHS;
    double rate = lr != null ? lr : real ? 1e-4 : 2e-3;
    SegmentationDataset targetData = SegmentationDataset.fromMemory(target);
    Evaluator evaluator = new Evaluator(prompts, seed + 1);
    List<DemoReport.Row> rows = new ArrayList<>();
    Map<String, List<Evaluator.CaseResult>> results = new LinkedHashMap<>();

    MedSA frozen = MedSA.builder().config(cfg).weights(base).build();
    ParameterReport none = ParameterReport.of(io.github.medsa.internal.model.SamParameters.shapes(cfg), n -> false);
    log.println("(2) frozen pre-trained model, no adaptation: scoring");
    results.put("frozen", evaluator.evaluate(frozen, test));
    rows.add(DemoReport.row("frozen (no adaptation)", none, evaluator.evaluate(frozen, validation),
        results.get("frozen"), 0));

    // Med-SA's default trains the adapters and the mask decoder; the adapters alone show how small a share can do.
    record Run(String key, String label, TrainableSet trains, boolean adapters) {}
    List<Run> runs = List.of(
        new Run("adapters", "Med-SA adapters (adapters + decoder)", TrainableSet.ADAPTERS_AND_DECODER, true),
        new Run("adapters-only", "Med-SA adapters only (decoder frozen)", TrainableSet.ADAPTERS, true),
        // The control: is it the adapters that help, or training the decoder alone?
        new Run("decoder-only", "decoder only (no adapters)", TrainableSet.DECODER, false),
        new Run("full", "full fine-tuning", TrainableSet.ALL, false));
    int number = 3;
    for (Run run : runs) {
      boolean adapters = run.adapters();
      MedSA m = MedSA.builder().config(cfg).weights(base).adapters(adapters ? medsaAdapters : ModelExtension.NONE)
          .seed(seed).build();
      Trainer t = new Trainer(m, training(run.trains(), epochs, rate, prompts, target.size(), ADAPT_BATCH));
      log.printf("(%d) %s on the thalamus: %d slices, %d epochs, lr %.0e, %s%n", number++, run.label(),
          target.size(), epochs, rate, t.parameters());
      long t0 = System.nanoTime();
      try (ProgressListener bar = new ProgressListener(run.key(), log)) {
        t.fit(targetData, bar);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      curves.put(run.label() + " (thalamus)", t.losses());
      MedSA trained = t.toModel();
      results.put(run.key(), evaluator.evaluate(trained, test));
      rows.add(DemoReport.row(run.label(), t.parameters(), evaluator.evaluate(trained, validation),
          results.get(run.key()), seconds));
      if (run.trains() == TrainableSet.ADAPTERS_AND_DECODER) {
        io.github.medsa.checkpoint.Safetensors.write(out.resolve("adapted.safetensors"), t.weights());
      }
    }

    LossChart.write(out.resolve("loss-curves.png"), "MedSA-J demo: training loss", curves);
    DemoReport.writeOverlays(out.resolve("overlays.png"), test, results);
    double total = (System.nanoTime() - start) / 1e9;
    DemoReport.writeTables(out, rows, cfg, total, pretrainSeconds, seed,
        (real ? model.checkpoint.toString() : "compact, pre-trained here") + ", adapter init " + adapterInit);
    log.println();
    log.print(DemoReport.markdownTable(rows));
    log.printf("%nWritten to %s: results.md, results.csv, overlays.png, loss-curves.png, adapted.safetensors%s "
        + "(%.0f s in all, pre-training %.0f s)%n", out, real ? "" : ", pretrained.safetensors, config.json", total,
        pretrainSeconds);
    return 0;
  }

  private TrainingConfig training(TrainableSet set, int epochs, double lr, PromptSimulator prompts, int samples,
      int batch) {
    long steps = (long) epochs * ((samples + batch - 1) / batch);
    return TrainingConfig.medsa().trainable(set).epochs(epochs).batchSize(batch).seed(seed)
        .schedule(LearningRateSchedule.cosine(lr, lr / 20).withWarmup((int) Math.min(20, steps / 10)))
        .loss(LossFunction.diceBce()).prompts(prompts).build();
  }

  /** The compact SAM trained here from scratch: 96-pixel input, 8-pixel patches (a 12 x 12 token grid). */
  static SamConfig compactConfig(boolean quick) {
    if (quick) {
      return SamConfig.builder().imageSize(64).patchSize(16).encoder(32, 2, 4).globalAttnIndexes(List.of(1))
          .windowSize(2).promptEmbedDim(32).maskInChans(8).decoderMlpDim(64).decoderNumHeads(4).iouHead(3, 32)
          .build();
    }
    return SamConfig.builder().imageSize(96).patchSize(8).encoder(64, 4, 4).globalAttnIndexes(List.of(1, 3))
        .windowSize(6).promptEmbedDim(64).maskInChans(8).decoderMlpDim(128).decoderNumHeads(4).iouHead(3, 64)
        .build();
  }

  /**
   * The compact TinyViT trained here from scratch ({@code --backbone tiny_vit}): MobileSAM's layout (MBConv stage,
   * three TinyViT layers, the last merge at width 320 keeping its grid) at small widths, 128-pixel input (64 quick).
   */
  static SamConfig compactTinyVitConfig(boolean quick) {
    TinyVitSizes sizes = new TinyVitSizes(List.of(16, 32, 64, 320), List.of(1, 1, 1, 1), List.of(1, 2, 2, 10),
        List.of(4, 4, 4, 4), 2.0, 2.0, 3, 1e-5);
    return SamConfig.builder().imageSize(quick ? 64 : 128).tinyVit(sizes).promptEmbedDim(quick ? 32 : 64)
        .maskInChans(8).decoderMlpDim(quick ? 64 : 128).decoderNumHeads(4).iouHead(3, quick ? 32 : 64).build();
  }

  private static <T> List<T> everyNth(List<T> all, int n) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += n) {
      out.add(all.get(i));
    }
    return out;
  }

  /** Lets the progress listener print through picocli's writer (so tests capture it). */
  private static final class WriterOutputStream extends java.io.OutputStream {
    private final PrintWriter w;

    WriterOutputStream(PrintWriter w) {
      this.w = w;
    }

    @Override
    public void write(int b) {
      w.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      w.write(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void flush() {
      w.flush();
    }
  }
}
