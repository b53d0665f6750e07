package io.github.medsa.cli;

import io.github.medsa.training.TrainingListener;
import io.github.medsa.training.TrainingProgress;
import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress: a progress bar with the running loss and ETA on a terminal, else (logs, CI, tests)
 * a plain line about every tenth of the run. Close it when training ends.
 */
public final class ProgressListener implements TrainingListener, AutoCloseable {
  private final String task;
  private final PrintStream out;
  private final boolean terminal;
  private ProgressBar bar;
  private double smoothed = Double.NaN;
  private long lastLine = -1;

  public ProgressListener(String task, PrintStream out) {
    this(task, out, System.console() != null);
  }

  ProgressListener(String task, PrintStream out, boolean terminal) {
    this.task = task;
    this.out = out;
    this.terminal = terminal;
  }

  @Override
  public void onStep(TrainingProgress p) {
    smoothed = Double.isNaN(smoothed) ? p.loss() : 0.9 * smoothed + 0.1 * p.loss();
    long done = p.step();
    if (terminal) {
      if (bar == null) {
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(p.totalSteps())
            .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(out)).build();
      }
      bar.stepTo(done);
      bar.setExtraMessage(String.format("loss %.4f", smoothed));
      return;
    }
    long every = Math.max(1, p.totalSteps() / 10);
    if (done == p.totalSteps() || done / every != lastLine / every || lastLine < 0) {
      lastLine = done;
      Duration eta = done == 0 ? Duration.ZERO : p.elapsed().multipliedBy(p.totalSteps() - done).dividedBy(done);
      out.printf("%s: step %d/%d epoch %d/%d loss %.4f (smoothed %.4f) elapsed %s ETA %s%n", task, done,
          p.totalSteps(), p.epoch() + 1, p.epochs(), p.loss(), smoothed, format(p.elapsed()), format(eta));
    }
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    return String.format("%d:%02d", s / 60, s % 60);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
