package io.github.medsa.cli;

import io.github.medsa.MedSA;
import io.github.medsa.metrics.DatasetMetrics;
import io.github.medsa.metrics.MetricSummary;
import io.github.medsa.training.data.Sample;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medsa evaluate}: Dice, IoU and HD95 of a model on labelled pairs with simulated (seeded) prompts. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Score a model on image/mask pairs (PNG folders) or a NIfTI image/label pair (every slice "
        + "holding the structure) with prompts simulated from each mask, seeded.",
        "Writes cases.csv (id, dice, iou, hd95) and summary.json to --out and prints the summary."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:scored", "1:unexpected failure", "2:bad input (files, labels, options)"})
final class EvaluateCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  DataOptions data = new DataOptions();

  @CommandLine.Mixin
  ModelOptions model = new ModelOptions();

  @Option(names = "--prompt", defaultValue = "box+click", description = "Simulated prompts: click, box or box+click "
      + "(default: ${DEFAULT-VALUE}).")
  String prompt;

  @Option(names = "--box-jitter", defaultValue = "0", description = "Box edge jitter in pixels (default: ${DEFAULT-VALUE}).")
  int boxJitter;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the simulated prompts (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-o", "--out"}, defaultValue = "medsa-eval", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws IOException {
    List<Sample> samples = data.isVolume() ? data.volumeSlices() : data.folders().samples();
    Evaluator evaluator = new Evaluator(TrainingOptions.prompts(prompt, boxJitter), seed);
    MedSA sam = model.loadForInference(seed);
    List<Evaluator.CaseResult> cases = evaluator.evaluate(sam, samples);
    Files.createDirectories(out);
    StringBuilder csv = new StringBuilder("id,dice,iou,hd95\n");
    for (Evaluator.CaseResult c : cases) {
      csv.append(String.format(Locale.ROOT, "%s,%.6f,%.6f,%.4f%n", c.sample().id(), c.metrics().dice(),
          c.metrics().iou(), c.metrics().hd95()));
    }
    Files.writeString(out.resolve("cases.csv"), csv.toString());
    DatasetMetrics m = Evaluator.summary(cases);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("model", String.valueOf(model.checkpoint));
    summary.put("prompts", prompt + (boxJitter > 0 ? " (jitter " + boxJitter + ")" : ""));
    summary.put("seed", seed);
    summary.put("dice", m.dice());
    summary.put("iou", m.iou());
    summary.put("hd95", m.hd95());
    JsonFiles.write(out.resolve("summary.json"), summary);
    PrintWriter stdout = spec.commandLine().getOut();
    line(stdout, "Dice", m.dice());
    line(stdout, "IoU", m.iou());
    line(stdout, "HD95", m.hd95());
    stdout.println("written to " + out + ": cases.csv, summary.json");
    return 0;
  }

  private static void line(PrintWriter out, String name, MetricSummary s) {
    out.printf(Locale.ROOT, "%-5s mean %.4f  std %.4f  cases %d  skipped %d%n", name, s.mean(), s.std(), s.cases(),
        s.skipped());
  }
}
