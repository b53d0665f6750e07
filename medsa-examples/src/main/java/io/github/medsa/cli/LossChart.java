package io.github.medsa.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Loss curves as a PNG (XChart, rendered headless): the raw per-step loss smoothed over a short window. */
public final class LossChart {
  private LossChart() {}

  public static void write(Path png, String title, List<Double> losses) throws IOException {
    write(png, title, Map.of("loss", losses));
  }

  /** One curve per entry, in the map's order. */
  public static void write(Path png, String title, Map<String, List<Double>> curves) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = new XYChartBuilder().width(800).height(480).title(title).xAxisTitle("step")
        .yAxisTitle("loss (moving average)").build();
    chart.getStyler().setMarkerSize(0);
    for (Map.Entry<String, List<Double>> e : new LinkedHashMap<>(curves).entrySet()) {
      List<Double> y = smooth(e.getValue());
      if (y.isEmpty()) {
        continue;
      }
      double[] xs = new double[y.size()];
      double[] ys = new double[y.size()];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = i + 1;
        ys[i] = y.get(i);
      }
      chart.addSeries(e.getKey(), xs, ys).setMarker(SeriesMarkers.NONE);
    }
    String name = png.toString().replaceFirst("(?i)\\.png$", "");
    BitmapEncoder.saveBitmap(chart, name, BitmapEncoder.BitmapFormat.PNG);
  }

  static List<Double> smooth(List<Double> v) {
    int window = Math.max(1, v.size() / 25);
    double[] out = new double[v.size()];
    double sum = 0;
    for (int i = 0; i < v.size(); i++) {
      sum += v.get(i);
      if (i >= window) {
        sum -= v.get(i - window);
      }
      out[i] = sum / Math.min(i + 1, window);
    }
    return java.util.Arrays.stream(out).boxed().toList();
  }
}
