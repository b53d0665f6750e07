package io.github.medsa.training;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.ops.BaseScalarOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.bp.MeanBp;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Mean;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.shape.Create;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.MulBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.SubBpOp;

/**
 * Reverse-mode differentiation of a scalar loss, appended to the forward graph itself, in place of SameDiff's
 * {@code createGradFunction} (and {@code calculateGradients}, which calls it).
 *
 * <p>Why our own: SameDiff 1.0.0-M2.1's {@code createGradFunction} prints one line per op with a hard-coded
 * {@code System.out.println} (SameDiff.java:5044), and a library must not write to standard output. And its ops'
 * backward passes compute the gradient of every input, frozen ones included: {@code matmul_bp} multiplies for a
 * frozen weight's gradient too, a full matmul per frozen linear layer for nothing. Appending to the same graph
 * also lets one {@code sd.output} call compute the loss and the gradients on one session.
 *
 * <p>What is differentiated is what {@code createGradFunction} differentiates (its steps 1 to 3): the floating-point
 * variables that the loss depends on along a floating-point path and that themselves depend on a trainable tensor
 * (a {@link VariableType#VARIABLE}); constants and placeholders get no gradient. Ops are visited in reverse
 * topological order; each op gets the gradients of its outputs (zeros for a floating-point output the loss does not
 * depend on, as SameDiff does: multi-output ops need one for every output) and returns those of its inputs through
 * {@code doDiff}, the op's own backward definition; contributions to one variable from several consumers are
 * summed. Not through {@code DifferentialFunction.diff}: it also rewrites SameDiff's per-variable gradient
 * bookkeeping, and drops one contribution in a branch where it discards the result of an {@code add}.
 *
 * <p>One special case: a matmul with one input that needs no gradient (a frozen weight, a constant) gets only the
 * other input's gradient, as the one matmul of the two that {@code matmul_bp} runs (same transposes, so the same
 * numbers).
 *
 * <p>Another: the backward ops of add, subtract and mean ({@code add_bp}, {@code sub_bp}, {@code reduce_mean_bp})
 * read their forward inputs only for their shapes, yet reading them keeps those inputs alive from the forward pass
 * until the backward pass reaches them: in a ViT-B training step at 256, 0.7 of the 1.5 GB alive at the peak were
 * arrays kept for nothing but their shapes (every linear layer's product before its bias, the attention scores
 * before each relative-position term). They get stand-ins of the same shape instead (see {@link #shapeOf}).
 *
 * <p>And softmax: libnd4j's {@code softmax_bp} reads the softmax's input and computes the softmax again, so the
 * input (the attention scores with their position terms) stayed alive next to the output, which the attention's
 * matmul backward keeps anyway. Its formula, {@code s (g - sum(s g))}, is built here from the output instead.
 *
 * <p>And GELU, {@code (x / 2) (erf(x / sqrt 2) + 1)} as elementwise ops: the backward of its product and of its
 * erf kept three arrays of x's size from the forward pass (both factors, and the erf's derivative, which the
 * session computes eagerly as it needs no gradient). The backward of a product or an erf now reads copies of its
 * inputs recomputed from the first input that is not a scalar multiply or add, so x and the erf stay alive
 * instead; the copies are the same ops on the same array, so the same numbers (see {@link #recomputed}). Not
 * recomputing the erf as well (only x would stay, as in PyTorch) is deliberate: it cost 0.5 s of CPU per ViT-B step.
 */
final class Backprop {
  /** A trainable tensor's gradient is the graph variable {@code <name>-grad}. */
  static final String GRADIENT_SUFFIX = "-grad";

  private final SameDiff sd;
  /** Variables that need a gradient: the loss depends on them and they depend on a trainable tensor. */
  private final Set<String> needed = new HashSet<>();
  /** Every variable's gradient so far (a sum of its consumers' contributions once they have all run). */
  private final Map<String, SDVariable> grads = new HashMap<>();
  /** Backward-pass copies of cheap forward variables, by forward name (see {@link #recomputed}). */
  private final Map<String, SDVariable> recomputed = new HashMap<>();

  private Backprop(SameDiff sd) {
    this.sd = sd;
  }

  /**
   * Appends to {@code sd} the ops that compute the gradient of {@code loss} with respect to every trainable tensor
   * (SameDiff {@code VARIABLE}) it depends on, each under the name {@code <tensor>-grad}.
   *
   * @param sd the forward graph
   * @param loss the name of the loss (a floating-point scalar: its gradient is seeded with ones)
   * @return the name of each trainable tensor's gradient variable, by tensor, in graph order; tensors the loss does
   *     not depend on have none
   * @throws IllegalArgumentException if {@code loss} is not a floating-point variable of {@code sd}
   * @throws IllegalStateException if a gradient name is taken already
   */
  static Map<String, String> append(SameDiff sd, String loss) {
    checkArgument(sd.hasVariable(loss) && sd.getVariable(loss).dataType().isFPType(),
        "no floating-point loss %s in the graph", loss);
    return new Backprop(sd).run(loss);
  }

  private Map<String, String> run(String loss) {
    Set<String> forward = new HashSet<>(sd.getVariables().keySet());
    List<SameDiffOp> order = opsInOrder(loss);
    markNeeded(order);
    grads.put(loss, sd.onesLike(sd.getVariable(loss)));
    for (int i = order.size() - 1; i >= 0; i--) {
      SameDiffOp op = order.get(i);
      if (op.getOutputsOfOp().stream().anyMatch(needed::contains)) {
        differentiate(op);
      }
    }
    return nameGradients(forward);
  }

  /**
   * The ops whose outputs the loss depends on along floating-point variables, inputs before consumers (SameDiff's
   * step 1, ordered): a depth-first walk from the loss, each op listed once all its producers are.
   */
  private List<SameDiffOp> opsInOrder(String loss) {
    List<SameDiffOp> order = new ArrayList<>();
    Set<String> visited = new HashSet<>();
    Set<String> listed = new HashSet<>();
    Deque<String> stack = new ArrayDeque<>();
    String last = sd.getVariables().get(loss).getOutputOfOp();
    if (last != null) {
      stack.push(last);
    }
    while (!stack.isEmpty()) {
      String name = stack.peek();
      SameDiffOp op = sd.getOps().get(name);
      if (visited.add(name)) {
        for (String in : inputs(op)) {
          Variable v = sd.getVariables().get(in);
          String producer = v.getOutputOfOp();
          if (v.getVariable().dataType().isFPType() && producer != null && !visited.contains(producer)) {
            stack.push(producer);
          }
        }
      } else {
        stack.pop();
        if (listed.add(name)) {
          order.add(op);
        }
      }
    }
    return order;
  }

  /**
   * SameDiff's step 2: of the variables the loss depends on, those that depend on a trainable tensor (a trainable
   * floating-point input, or an output of an op with such an input).
   */
  private void markNeeded(List<SameDiffOp> order) {
    for (SameDiffOp op : order) {
      boolean dependsOnTrainable = false;
      for (String in : inputs(op)) {
        SDVariable v = sd.getVariable(in);
        if (v.dataType().isFPType() && v.getVariableType() == VariableType.VARIABLE) {
          needed.add(in);
        }
        dependsOnTrainable |= needed.contains(in);
      }
      if (dependsOnTrainable) {
        op.getOutputsOfOp().stream().filter(o -> sd.getVariable(o).dataType().isFPType()).forEach(needed::add);
      }
    }
  }

  /** Adds {@code op}'s backward ops: its inputs' gradients from its outputs' (all final by now). */
  private void differentiate(SameDiffOp op) {
    List<SDVariable> outGrads = new ArrayList<>();
    for (String out : op.getOutputsOfOp()) {
      SDVariable v = sd.getVariable(out);
      SDVariable g = grads.get(out);
      if (g == null && v.dataType().isFPType()) {
        g = sd.zerosLike(v); // an output the loss does not depend on: doDiff still wants a gradient for it
      }
      outGrads.add(g);
    }
    List<String> in = inputs(op);
    List<SDVariable> inGrads = frozenOperandMatmul(op, in, outGrads.get(0));
    if (inGrads == null) {
      inGrads = shapeOnlyBackward(op, in, outGrads.get(0));
    }
    if (inGrads == null) {
      inGrads = softmaxFromOutput(op, outGrads.get(0));
    }
    if (inGrads == null) {
      inGrads = fromRecomputedInputs(op, in, outGrads);
    }
    if (inGrads == null) {
      inGrads = op.getOp().doDiff(outGrads);
      checkState(inGrads != null, "op %s (%s) has no gradient", op.getName(), op.getOp().opName());
    }
    for (int i = 0; i < in.size() && i < inGrads.size(); i++) {
      SDVariable g = inGrads.get(i);
      if (g != null && needed.contains(in.get(i))) {
        grads.merge(in.get(i), g, sd.math::add);
      }
    }
  }

  /**
   * A matmul {@code C = op(A) op(B)} (optionally transposed) where one operand needs no gradient: only the other's,
   * as the one of {@code matmul_bp}'s two products that gives it. Null if not such a matmul (then {@code doDiff}).
   */
  private List<SDVariable> frozenOperandMatmul(SameDiffOp op, List<String> in, SDVariable gradC) {
    if (!(op.getOp() instanceof Mmul mmul) || in.size() != 2
        || needed.contains(in.get(0)) == needed.contains(in.get(1))) {
      return null; // both operands need a gradient: matmul_bp computes both anyway
    }
    double[] alphaBeta = mmul.tArgs();
    if (alphaBeta.length != 0 && !Arrays.equals(alphaBeta, new double[] {1.0, 0.0})) {
      return null; // a scaled product (not one our graphs build)
    }
    long[] flags = mmul.iArgs();
    boolean tA = flags.length > 0 && flags[0] != 0;
    boolean tB = flags.length > 1 && flags[1] != 0;
    boolean tC = flags.length > 2 && flags[2] != 0;
    SDVariable a = sd.getVariable(in.get(0));
    SDVariable b = sd.getVariable(in.get(1));
    // libnd4j's matmul_bp: dA = matmul(dC, B, tC, !tB, tA) and dB = matmul(A, dC, !tA, tC, tB).
    return needed.contains(in.get(0))
        ? Arrays.asList(sd.mmul(gradC, b, tC, !tB, tA), null)
        : Arrays.asList(null, sd.mmul(a, gradC, !tA, tC, tB));
  }

  /**
   * The backward ops of add, subtract and mean, as their {@code doDiff} builds them but reading stand-ins of their
   * forward inputs (the ops only read their shapes). Null for any other op.
   */
  private List<SDVariable> shapeOnlyBackward(SameDiffOp op, List<String> in, SDVariable grad) {
    if (op.getOp() instanceof AddOp && in.size() == 2) {
      return new AddBpOp(sd, shapeOf(in.get(0), grad), shapeOf(in.get(1), grad), grad).outputs();
    }
    if (op.getOp() instanceof SubOp && in.size() == 2) {
      return new SubBpOp(sd, shapeOf(in.get(0), grad), shapeOf(in.get(1), grad), grad).outputs();
    }
    if (op.getOp() instanceof Mean mean && in.size() == 1) {
      return new MeanBp(sd, shapeOf(in.get(0), grad), grad, mean.isKeepDims(), mean.getDimensions()).outputs();
    }
    return null;
  }

  /**
   * A softmax's backward from its output {@code s} as {@code softmax_bp} computes it from the softmax it recomputes:
   * {@code s * (g - sum(s * g))} along the softmax's axis. Null if {@code op} is not a softmax.
   */
  private List<SDVariable> softmaxFromOutput(SameDiffOp op, SDVariable grad) {
    if (!(op.getOp() instanceof SoftMax softmax) || op.getOutputsOfOp().size() != 1) {
      return null;
    }
    long[] args = softmax.iArgs();
    int axis = args.length > 0 ? (int) args[0] : -1; // libnd4j's default: the last axis
    SDVariable s = sd.getVariable(op.getOutputsOfOp().get(0));
    // Not sum(true, axis): M2.1's keepDims sum over a negative axis gives wrong numbers.
    SDVariable sum = sd.expandDims(s.mul(grad).sum(false, axis), axis);
    return List.of(s.mul(grad.sub(sum)));
  }

  /**
   * The backward of a product or an erf from recomputed copies of its inputs (see {@link #recomputed}); null for
   * any other op, or when no input is recomputable (then {@code doDiff} reads the forward arrays).
   */
  private List<SDVariable> fromRecomputedInputs(SameDiffOp op, List<String> in, List<SDVariable> outGrads) {
    boolean product = op.getOp() instanceof MulOp && in.size() == 2;
    if (!product && !(op.getOp() instanceof Erf && in.size() == 1)) {
      return null;
    }
    SDVariable grad = outGrads.get(0);
    List<SDVariable> copies = new ArrayList<>();
    boolean any = false;
    for (String name : in) {
      SDVariable copy = recomputed(name, grad);
      any |= !copy.name().equals(name);
      copies.add(copy);
    }
    if (!any) {
      return null;
    }
    if (product) {
      return new MulBpOp(sd, copies.get(0), copies.get(1), grad).outputs();
    }
    // Erf's own doDiff, on an erf of the copy: that erf itself never runs, nothing reads its output.
    return sd.math.erf(copies.get(0)).getCreator().doDiff(outGrads);
  }

  /**
   * A backward-pass copy of {@code name} if a chain of scalar multiplies and adds computes it from a variable that
   * is not such an output (the chain is repeated on that variable, which then stays alive instead of the chain's
   * outputs), else the variable itself. The chain starts only once {@code grad} exists, else the
   * session would run it at once in the forward pass. Copies are shared by the backward ops that read them.
   */
  private SDVariable recomputed(String name, SDVariable grad) {
    SDVariable v = sd.getVariable(name);
    String producer = v.getVariableType() == VariableType.ARRAY ? sd.getVariables().get(name).getOutputOfOp() : null;
    if (producer == null) {
      return v;
    }
    SDVariable done = recomputed.get(name);
    if (done != null) {
      return done;
    }
    SameDiffOp op = sd.getOps().get(producer);
    List<String> in = inputs(op);
    // Elementwise ops much cheaper than keeping their output (an erf is not: recomputing it costs more).
    boolean cheap = op.getOp() instanceof ScalarMultiplication || op.getOp() instanceof ScalarAdd;
    if (!cheap || in.size() != 1) {
      return v;
    }
    SDVariable input = recomputed(in.get(0), grad);
    boolean first = input.name().equals(in.get(0));
    double scalar = ((BaseScalarOp) op.getOp()).scalar().getDouble(0);
    SDVariable copy = op.getOp() instanceof ScalarAdd ? input.add(scalar) : input.mul(scalar);
    if (first) {
      copy.addControlDependency(grad); // later links wait for this one through their input
    }
    recomputed.put(name, copy);
    return copy;
  }

  /**
   * What a backward op that reads only the shape of {@code name} can read in its place: the variable itself if it
   * is alive anyway (a weight, a constant, a placeholder), else an uninitialised array of its shape, made once
   * {@code grad} exists. Only the tiny shape is kept from the forward pass; without the control dependency the
   * session would make the stand-in as soon as the shape is known, in the forward pass.
   */
  private SDVariable shapeOf(String name, SDVariable grad) {
    SDVariable v = sd.getVariable(name);
    if (v.getVariableType() != VariableType.ARRAY) {
      return v;
    }
    SDVariable standIn = new Create(null, sd, sd.shape(v), 'c', false, v.dataType()).outputVariable();
    standIn.addControlDependency(grad);
    return standIn;
  }

  /**
   * Gives each trainable tensor's gradient its name: renames the variable where it is a backward-pass variable of
   * its own, else (a forward variable, or one that is also another variable's gradient) adds an identity.
   */
  private Map<String, String> nameGradients(Set<String> forward) {
    Map<SDVariable, Integer> uses = new IdentityHashMap<>();
    grads.values().forEach(g -> uses.merge(g, 1, Integer::sum));
    Map<String, String> names = new LinkedHashMap<>();
    for (SDVariable v : sd.variables()) {
      SDVariable g = grads.get(v.name());
      if (v.getVariableType() != VariableType.VARIABLE || g == null) {
        continue;
      }
      String name = v.name() + GRADIENT_SUFFIX;
      checkState(!sd.hasVariable(name), "the graph already has a variable %s", name);
      if (forward.contains(g.name()) || uses.get(g) > 1) {
        sd.identity(name, g);
      } else {
        sd.renameVariable(g.name(), name);
      }
      names.put(v.name(), name);
    }
    return names;
  }

  private static List<String> inputs(SameDiffOp op) {
    return op.getInputsToOp() == null ? Collections.emptyList() : op.getInputsToOp();
  }
}
