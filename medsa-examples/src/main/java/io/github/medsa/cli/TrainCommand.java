package io.github.medsa.cli;

import io.github.medsa.MedSA;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.checkpoint.CheckpointFormatException;
import io.github.medsa.checkpoint.Safetensors;
import io.github.medsa.extension.ModelExtension;
import io.github.medsa.sdtrans.SdTrans;
import io.github.medsa.training.ResumeMismatchException;
import io.github.medsa.training.Trainer;
import io.github.medsa.training.TrainingConfig;
import io.github.medsa.training.TrainingSteps;
import io.github.medsa.volume.Volume;
import io.github.medsa.volume.VolumeTrainingData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code medsa train}: Med-SA adapters (or any trainable set) on labelled 2D pairs or a volume pair (SD-Trans). */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train Med-SA adapters on image/mask pairs (PNG folders) or on a NIfTI image/label pair "
        + "(--slices D: SD-Trans over chunks of D slices).",
        "Writes to --out: checkpoint.safetensors (all weights) + config.json, resume/ (optimizer state), "
            + "loss.png and summary.json."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:trained", "1:unexpected failure", "2:bad input (files, labels, options)"})
final class TrainCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  DataOptions data = new DataOptions();

  @CommandLine.Mixin
  ModelOptions model = new ModelOptions();

  @CommandLine.Mixin
  TrainingOptions training = new TrainingOptions();

  @Option(names = "--random-init", description = "Start from random weights (needs --config): for demos and tests.")
  boolean randomInit;

  @Option(names = "--slices", paramLabel = "D", defaultValue = "1",
      description = "Volumes: SD-Trans chunk length D (default: ${DEFAULT-VALUE}).")
  int slices;

  @Option(names = "--save-every", paramLabel = "N", defaultValue = "50",
      description = "Save a resumable state to OUT/resume every N steps, and at the end (default: ${DEFAULT-VALUE}; "
          + "0 = only at the end).")
  int saveEvery;

  @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run saved in DIR (its resume/ folder) "
      + "with the same data, model and options; continues exactly as if never interrupted.")
  Path resume;

  @Option(names = "--max-steps", paramLabel = "N",
      description = "Stop after N steps in all (saving a resumable state); continue later with --resume.")
  Long maxSteps;

  @Option(names = {"-o", "--out"}, defaultValue = "medsa-train", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    boolean volume = data.isVolume();
    if (slices < 1) {
      throw new UserInputException("--slices must be >= 1, got " + slices);
    }
    if (saveEvery < 0) {
      throw new UserInputException("--save-every must be >= 0, got " + saveEvery);
    }
    if (maxSteps != null && maxSteps < 1) {
      throw new UserInputException("--max-steps must be >= 1, got " + maxSteps);
    }
    if (resume != null && !Files.isRegularFile(resume.resolve("training.json"))) {
      throw new UserInputException("--resume " + resume + ": no training.json (give the resume/ folder of a run)");
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new UserInputException("--out " + out + " is a file, not a folder");
    }
    TrainingConfig config = training.config(volume ? slices : 2);
    ModelExtension ext = volume ? SdTrans.of(Adapters.medsa(), slices)
        : training.needsAdapters() ? Adapters.medsa() : ModelExtension.NONE;
    TrainingSteps steps;
    String dataDescription;
    if (volume) {
      Volume image = data.readImageVolume();
      Volume label = data.readLabelVolume(image);
      VolumeTrainingData vd = UserInputException.reading("--label-volume", data.labelVolume, () -> VolumeTrainingData.of(List.of(new VolumeTrainingData.Pair(image, label)),
          Volumes.labelValues(label), data.volumeLabels()::contains, Volumes.window(data.window),
          Volumes.axis(data.axis), slices));
      steps = vd.steps(config);
      dataDescription = vd.chunks().size() + " chunks of " + slices + " slices of " + data.imageVolume;
    } else {
      var pairs = data.folders();
      steps = TrainingSteps.of(pairs, config);
      dataDescription = pairs.size() + " image/mask pairs from " + data.images;
    }
    MedSA sam = randomInit ? model.random(ext, training.seed) : model.load(ext, training.seed);
    Trainer trainer = trainer(sam, config);
    stdout.printf("training %s on %s: %s%s%n", training.trainableSet(), dataDescription, trainer.parameters(),
        resume == null ? "" : ", resumed at step " + trainer.step() + " from " + resume);
    stdout.flush();
    Path resumeDir = out.resolve("resume");
    long t0 = System.nanoTime();
    long until = maxSteps == null ? Long.MAX_VALUE : maxSteps;
    long savedAt = -1;
    try (ProgressListener bar = new ProgressListener("train", System.out)) {
      while (true) {
        long next = saveEvery == 0 ? until : Math.min(until, (trainer.step() / saveEvery + 1) * saveEvery);
        long before = trainer.step();
        trainer.fit(steps, bar, next);
        if (trainer.step() == before) {
          break; // the configured epochs are complete
        }
        save(trainer, resumeDir);
        savedAt = trainer.step();
        if (trainer.step() >= until) {
          break;
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;

    Files.createDirectories(out);
    Safetensors.write(out.resolve("checkpoint.safetensors"), trainer.weights());
    SamConfigFiles.write(out.resolve("config.json"), sam.config());
    if (savedAt != trainer.step()) {
      save(trainer, resumeDir);
    }
    LossChart.write(out.resolve("loss.png"), "medsa train: " + training.trainableSet(), trainer.losses());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("data", dataDescription);
    summary.put("model", randomInit ? "random init (seed " + training.seed + ")" : String.valueOf(model.checkpoint));
    summary.put("extension", ext.toString());
    summary.put("config", SamConfigFiles.toMap(sam.config()));
    Map<String, Object> tr = new LinkedHashMap<>();
    tr.put("trainable", training.trainableSet().name());
    tr.put("epochs", config.epochs());
    tr.put("batchSize", config.batchSize());
    tr.put("learningRate", training.lr);
    tr.put("schedule", config.schedule().toString());
    tr.put("seed", config.seed());
    tr.put("loss", training.loss);
    tr.put("prompts", config.prompts().toString());
    summary.put("training", tr);
    var p = trainer.parameters();
    summary.put("parameters", Map.of("trainable", p.trainable(), "total", p.total(), "share", p.trainableShare()));
    summary.put("losses", trainer.losses());
    summary.put("seconds", seconds);
    JsonFiles.write(out.resolve("summary.json"), summary);
    List<Double> l = trainer.losses();
    stdout.printf("%d steps in %.0f s, loss %.4f -> %.4f%nwritten to %s: checkpoint.safetensors, config.json, "
        + "resume/, loss.png, summary.json%n", l.size(), seconds, l.get(0), l.get(l.size() - 1), out);
    return 0;
  }

  private Trainer trainer(MedSA sam, TrainingConfig config) throws IOException {
    try {
      return resume == null ? new Trainer(sam, config) : Trainer.resume(sam, config, resume);
    } catch (ResumeMismatchException e) {
      throw new UserInputException("--resume " + resume + ": " + e.getMessage() + " (give the options of the saved run)",
          e);
    } catch (CheckpointFormatException e) {
      throw new UserInputException("--resume " + resume + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) { // the trainable set or batch size does not fit the model
      throw new UserInputException("--trainable/--batch-size: " + e.getMessage(), e);
    }
  }

  /** Saves next to the live state and swaps it in, so a crash while saving keeps the previous state. */
  private static void save(Trainer trainer, Path dir) throws IOException {
    Path fresh = dir.resolveSibling(dir.getFileName() + ".saving");
    deleteTree(fresh);
    trainer.save(fresh);
    Path old = dir.resolveSibling(dir.getFileName() + ".old");
    deleteTree(old);
    if (Files.exists(dir)) {
      Files.move(dir, old);
    }
    Files.move(fresh, dir);
    deleteTree(old);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
