package io.github.medsa.bench;

import io.github.medsa.Prompt;
import io.github.medsa.SamConfig;
import io.github.medsa.extension.ModelExtension;
import io.github.medsa.image.SamPreprocessor;
import io.github.medsa.internal.model.NativeMemory;
import io.github.medsa.internal.model.PromptTokens;
import io.github.medsa.internal.model.SamGraph;
import io.github.medsa.internal.model.SamInitializer;
import io.github.medsa.internal.model.SamParameters;
import io.github.medsa.internal.model.StateDictParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Where the encoder's time goes, per SameDiff op type: a listener times every op of a few encoder runs and the
 * rest of the wall time is SameDiff's own scheduling. Not a JMH benchmark; run it with
 * {@code java -cp <module classpath> io.github.medsa.bench.OpProfile [tiny-128|vitb-256|vitb-1024] [runs]
 * [clicks]}; with a click count it profiles the prompt encoder and decoder instead of the encoder.
 */
public final class OpProfile {
  private OpProfile() {}

  public static void main(String[] args) {
    String model = args.length > 0 ? args[0] : "tiny-128";
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int clicks = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    SamConfig cfg = Bench.config(model);
    SamGraph graph = SamGraph.build(cfg, StateDictParams.frozen(SamInitializer.random(SamParameters.shapes(cfg), 1)),
        ModelExtension.NONE.encoder(cfg), ModelExtension.NONE.decoder(cfg));
    INDArray pixels = new SamPreprocessor(cfg.imageSize(), cfg.pixelMean(), cfg.pixelStd())
        .prepare(Bench.image(cfg.imageSize(), 7)).pixels();
    System.out.printf("%s: %d ops in the whole SAM graph%n", model, graph.sameDiff().getOps().size());
    INDArray embeddings = graph.encode(pixels); // warm-up, not profiled
    Runnable call = () -> graph.encode(pixels).close();
    String what = "encode";
    if (clicks > 0) { // the prompt encoder and decoder on `clicks` single-click prompts, as EncodedImage.predict
      List<PromptTokens.Input> inputs = new ArrayList<>();
      for (int j = 0; j < clicks; j++) {
        inputs.add(PromptTokens.Input.of(Prompt.click(300.0 + 20 * j, 500.0), cfg.imageSize(), cfg.imageSize(),
            cfg.imageSize()));
      }
      PromptTokens tokens = PromptTokens.of(inputs, cfg.imageSize());
      call = () -> {
        SamGraph.Decoded decoded = graph.predict(embeddings, tokens, null);
        NativeMemory.free(List.of(decoded.lowResMasks(), decoded.iou()));
      };
      call.run(); // warm-up
      what = clicks + " click(s)";
    }
    Timer timer = new Timer();
    graph.sameDiff().addListeners(timer); // beside the session memory's own listener
    long t0 = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      call.run();
    }
    double wallMs = (System.nanoTime() - t0) / 1e6 / runs;
    double opMs = timer.total.values().stream().mapToLong(Long::longValue).sum() / 1e6 / runs;
    System.out.printf("%s: %.1f ms/run wall, %.1f ms/run inside ops (%d ops/run), %.1f ms/run elsewhere%n", what,
        wallMs, opMs, timer.count.values().stream().mapToInt(Integer::intValue).sum() / runs, wallMs - opMs);
    timer.total.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(BY_SHAPE ? 45 : 20)
        .forEach(e -> System.out.printf("  %-40s %6d calls/run %9.1f ms/run%n", e.getKey(),
            timer.count.get(e.getKey()) / runs, e.getValue() / 1e6 / runs));
  }

  /** {@code -Dprofile.byShape=true}: one line per op type and output shape instead of per op type. */
  private static final boolean BY_SHAPE = Boolean.getBoolean("profile.byShape");

  private static final class Timer extends BaseListener {
    final Map<String, Long> total = new HashMap<>();
    final Map<String, Integer> count = new HashMap<>();
    private long start;

    @Override
    public boolean isActive(Operation operation) {
      return true;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
      start = System.nanoTime();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext,
        INDArray[] outputs) {
      String name = op.getOp().opName();
      if (BY_SHAPE && outputs != null && outputs.length > 0 && outputs[0] != null) {
        name += " " + java.util.Arrays.toString(outputs[0].shape());
      }
      total.merge(name, System.nanoTime() - start, Long::sum);
      count.merge(name, 1, Integer::sum);
    }
  }
}
