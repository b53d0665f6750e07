package io.github.medsa.internal.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes once, when a graph is built, every value that depends on frozen parameters only: BatchNorm folded into
 * convolution weights, PyTorch weight layouts permuted into SameDiff's, GELU's factors in Linear weights, TinyViT's
 * attention biases gathered by offset, SAM's dense positional encoding. SameDiff 1.0.0-M2.1 has no constant
 * folding (and {@code convertToConstants} refuses computed variables), so without this each of those small ops ran
 * again on every call, each with SameDiff's per-op bookkeeping.
 *
 * <p>An op is folded when it has inputs, all of them constants or folded, no control dependencies, and is not
 * random. Each folded value that an unfolded op reads becomes a new constant {@code folded.<name>}, and those ops
 * read it instead. The folded ops stay in the graph, unread: a call that asks for one of their outputs by name still
 * computes it. Trainable variables are never folded, so everything that depends on them keeps its gradient.
 */
public final class ConstantFolding {
  private static final Logger log = LoggerFactory.getLogger(ConstantFolding.class);
  /** Prefix of the constants that replace folded values. */
  public static final String PREFIX = "folded.";

  private ConstantFolding() {}

  /**
   * Folds {@code sd}'s constant subgraphs; call it before the graph's first execution and before anything (a
   * backward pass) is appended that should read the folded constants.
   *
   * @param sd the graph, changed in place
   * @return the number of new constants
   */
  public static int fold(SameDiff sd) {
    Set<String> foldedOps = new HashSet<>();
    Set<String> folded = new LinkedHashSet<>(); // variables computed from constants only
    for (SameDiffOp op : sd.getOps().values()) { // insertion order: inputs before their readers
      if (foldable(sd, op, folded)) {
        foldedOps.add(op.getName());
        folded.addAll(op.getOutputsOfOp());
      }
    }
    List<String> frontier = new ArrayList<>(); // folded values read by unfolded ops
    for (String name : folded) {
      List<String> readers = sd.getVariables().get(name).getInputsForOp();
      if (readers != null && readers.stream().anyMatch(r -> !foldedOps.contains(r))) {
        frontier.add(name);
      }
    }
    if (frontier.isEmpty()) {
      return 0;
    }
    Map<String, INDArray> values;
    try (SessionMemory memory = new SessionMemory(sd)) {
      values = memory.runForOutputs(frontier, () -> sd.output(Map.of(), frontier.toArray(String[]::new)));
    }
    for (String name : frontier) {
      SDVariable constant = sd.constant(PREFIX + name, values.get(name));
      for (String reader : List.copyOf(sd.getVariables().get(name).getInputsForOp())) {
        if (foldedOps.contains(reader)) {
          continue;
        }
        SameDiffOp op = sd.getOps().get(reader);
        DifferentialFunction fn = op.getOp();
        List<String> inputs = op.getInputsToOp();
        for (int i = 0; i < inputs.size(); i++) {
          if (inputs.get(i).equals(name)) {
            sd.replaceArgFor(i, constant, fn);
          }
        }
      }
    }
    log.debug("folded {} ops into {} constants", foldedOps.size(), frontier.size());
    return frontier.size();
  }

  private static boolean foldable(SameDiff sd, SameDiffOp op, Set<String> folded) {
    List<String> inputs = op.getInputsToOp();
    if (inputs == null || inputs.isEmpty() || (op.getControlDeps() != null && !op.getControlDeps().isEmpty())
        || op.getOp().getClass().getPackageName().contains(".random")) {
      return false;
    }
    for (String in : inputs) {
      boolean constant = sd.getVariables().get(in).getVariable().getVariableType() == VariableType.CONSTANT;
      if (!constant && !folded.contains(in)) {
        return false;
      }
    }
    return true;
  }
}
