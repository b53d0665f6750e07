package io.github.medsa.internal.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;

/**
 * Debug aid of {@link LastUseReleaser}: which intermediates are alive together at the peak of a call, so that one
 * can see what a graph (a training step's forward arrays waiting for their backward readers, say) keeps.
 *
 * <p>Only built when its logger is at DEBUG: a snapshot of the live set at every new peak costs a pass over it.
 */
final class LivePeakProfile {
  /** How many of the largest variables the report lists one by one (system property {@code medsa.profileTop}). */
  private static final int TOP = Integer.getInteger("medsa.profileTop", 25);

  private final SameDiff sd;
  private long peakBytes;
  private String peakOp = "";
  private List<Entry> atPeak = List.of();

  LivePeakProfile(SameDiff sd) {
    this.sd = sd;
  }

  /**
   * After an op has run: snapshots {@code live} if this is the most alive so far in the call. The live bytes are
   * summed from {@code live} itself (a pass per op, affordable at DEBUG) rather than counted beside it.
   */
  void afterOp(String op, Map<String, LastUseReleaser.Produced> live) {
    long liveBytes = 0;
    for (LastUseReleaser.Produced p : live.values()) {
      liveBytes += ArrayPool.bytesOf(p.array);
    }
    if (liveBytes <= peakBytes) {
      return;
    }
    peakBytes = liveBytes;
    peakOp = op;
    List<Entry> entries = new ArrayList<>(live.size());
    live.forEach((name, p) -> entries.add(new Entry(name, p.array)));
    atPeak = entries;
  }

  /** Logs the peak's live variables (by producing op type, then the largest ones) and starts afresh. */
  void report(Logger log) {
    if (!atPeak.isEmpty()) {
      Map<String, long[]> byType = new HashMap<>();
      for (Entry e : atPeak) {
        long[] countBytes = byType.computeIfAbsent(producerType(e.name), t -> new long[2]);
        countBytes[0]++;
        countBytes[1] += e.bytes;
      }
      String types = byType.entrySet().stream()
          .sorted(Comparator.comparingLong((Map.Entry<String, long[]> t) -> -t.getValue()[1]))
          .map(t -> String.format("%s x%d %d MiB", t.getKey(), t.getValue()[0], t.getValue()[1] >> 20))
          .collect(Collectors.joining("; "));
      log.debug("live peak {} MiB ({} variables) after op {}; by producing op: {}", peakBytes >> 20, atPeak.size(),
          peakOp, types);
      atPeak.stream().sorted(Comparator.comparingLong((Entry e) -> -e.bytes)).limit(TOP).forEach(e ->
          log.debug("  {} KiB {} {} = {} read by {}", e.bytes >> 10, e.shape, e.name, producerType(e.name),
              readers(e.name)));
    }
    peakBytes = 0;
    peakOp = "";
    atPeak = List.of();
  }

  private String producerType(String var) {
    String op = sd.getVariables().get(var).getOutputOfOp();
    return op == null ? "-" : sd.getOps().get(op).getOp().opName();
  }

  private String readers(String var) {
    List<String> ops = sd.getVariables().get(var).getInputsForOp();
    if (ops == null) {
      return "[]";
    }
    return ops.stream().map(o -> {
      SameDiffOp op = sd.getOps().get(o);
      return op.getOp().opName() + ":" + o;
    }).collect(Collectors.joining(", ", "[", "]"));
  }

  private record Entry(String name, long bytes, String shape) {
    Entry(String name, INDArray array) {
      this(name, ArrayPool.bytesOf(array), Arrays.toString(array.shape()));
    }
  }
}
