package io.github.medsa.examples.demo;

import io.github.medsa.SamConfig;
import io.github.medsa.cli.Evaluator;
import io.github.medsa.cli.JsonFiles;
import io.github.medsa.cli.Overlays;
import io.github.medsa.cli.SamConfigFiles;
import io.github.medsa.metrics.DatasetMetrics;
import io.github.medsa.training.ParameterReport;
import io.github.medsa.training.data.Sample;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** The demo's outputs: results table (Markdown, CSV, JSON) and the overlay grid. */
final class DemoReport {
  /** One method: its validation scores (for choosing a recipe) and held-out scores ({@code metrics}, to report). */
  record Row(String method, long trainable, long total, double share, DatasetMetrics validation,
      DatasetMetrics metrics, double seconds) {}

  private DemoReport() {}

  static Row row(String method, ParameterReport p, List<Evaluator.CaseResult> validation,
      List<Evaluator.CaseResult> heldOut, double seconds) {
    return new Row(method, p.trainable(), p.total(), p.trainableShare(), Evaluator.summary(validation),
        Evaluator.summary(heldOut), seconds);
  }

  static String markdownTable(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| method | trainable parameters | share | validation Dice | held-out Dice (mean ± std) | held-out IoU "
        + "| held-out HD95 (px) | held-out slices | training time |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      DatasetMetrics m = r.metrics();
      sb.append(String.format(Locale.ROOT,
          "| %s | %,d of %,d | %.2f %% | %.3f | %.3f ± %.3f | %.3f | %.1f | %d | %.0f s |%n", r.method(),
          r.trainable(), r.total(), 100 * r.share(), r.validation().dice().mean(), m.dice().mean(), m.dice().std(),
          m.iou().mean(), m.hd95().mean(), m.dice().cases(), r.seconds()));
    }
    return sb.toString();
  }

  static void writeTables(Path out, List<Row> rows, SamConfig cfg, double totalSeconds, double pretrainSeconds,
      long seed, String model) throws IOException {
    String md = "# MedSA-J demo: adapting to the unseen thalamus (Colin27 + AAL)\n\n"
        + "Model: " + model + ". Seed " + seed + ". Scored on a held-out block of axial slices ("
        + DemoCommand.HELD_OUT_FIRST + ".." + DemoCommand.HELD_OUT_LAST + ", never trained on) with simulated "
        + "prompts (a box with 5-pixel jitter and one click inside, seeded). Validation Dice: the block "
        + DemoCommand.VALIDATION_FIRST + ".." + DemoCommand.VALIDATION_LAST + " (never trained on either), the only "
        + "one to compare recipes on.\n\n" + markdownTable(rows)
        + String.format(Locale.ROOT, "%nTotal time: %.0f s (pre-training %.0f s).%n", totalSeconds, pretrainSeconds);
    Files.writeString(out.resolve("results.md"), md);
    StringBuilder csv = new StringBuilder("method,trainable,total,share,dice_mean,dice_std,iou_mean,iou_std,"
        + "hd95_mean,cases,skipped,train_seconds,val_dice_mean,val_dice_std,val_cases\n");
    for (Row r : rows) {
      DatasetMetrics m = r.metrics();
      DatasetMetrics v = r.validation();
      csv.append(String.format(Locale.ROOT, "\"%s\",%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f,%d,%d,%.1f,%.6f,%.6f,%d%n",
          r.method(), r.trainable(), r.total(), r.share(), m.dice().mean(), m.dice().std(), m.iou().mean(),
          m.iou().std(), m.hd95().mean(), m.dice().cases(), m.dice().skipped(), r.seconds(), v.dice().mean(),
          v.dice().std(), v.dice().cases()));
    }
    Files.writeString(out.resolve("results.csv"), csv.toString());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("model", model);
    json.put("config", SamConfigFiles.toMap(cfg));
    json.put("seed", seed);
    json.put("seconds", totalSeconds);
    json.put("pretrain_seconds", pretrainSeconds);
    json.put("results", rows);
    JsonFiles.write(out.resolve("summary.json"), json);
  }

  /** Rows: up to 6 held-out slices; columns: ground truth, then each model's prediction with its Dice. */
  static void writeOverlays(Path png, List<Sample> test, Map<String, List<Evaluator.CaseResult>> results)
      throws IOException {
    int n = Math.min(6, test.size());
    if (n == 0) {
      return;
    }
    List<Integer> picks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      picks.add(test.size() == 1 ? 0 : (int) Math.round(i * (test.size() - 1.0) / Math.max(1, n - 1)));
    }
    int w = test.get(0).image().width();
    int h = test.get(0).image().height();
    int cols = 1 + results.size();
    int header = 18;
    BufferedImage grid = new BufferedImage(cols * w, header + n * (h + header), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(Color.WHITE);
    g.drawString("truth", 4, 13);
    int c = 1;
    for (String name : results.keySet()) {
      g.drawString(name, c++ * w + 4, 13);
    }
    for (int r = 0; r < n; r++) {
      int i = picks.get(r);
      Sample s = test.get(i);
      int y = header + r * (h + header);
      g.setColor(Color.WHITE);
      g.drawString(s.id(), 4, y + 13);
      g.drawImage(Overlays.overlay(s.image(), s.mask().toINDArray(), null), 0, y + header, null);
      c = 1;
      for (List<Evaluator.CaseResult> cases : results.values()) {
        Evaluator.CaseResult cr = cases.get(i);
        g.setColor(Color.WHITE);
        g.drawString(String.format(Locale.ROOT, "Dice %.2f", cr.metrics().dice()), c * w + 4, y + 13);
        g.drawImage(Overlays.overlay(s.image(), cr.predicted(), cr.prompt()), c * w, y + header, null);
        c++;
      }
    }
    g.dispose();
    ImageIO.write(grid, "png", png.toFile());
  }
}
