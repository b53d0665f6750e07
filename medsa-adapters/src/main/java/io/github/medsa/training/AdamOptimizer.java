package io.github.medsa.training;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.internal.model.NativeMemory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam exactly as {@code torch.optim.Adam} (1.13, single-tensor path): bias-corrected step size
 * {@code lr / (1 - beta1^t)}, denominator {@code sqrt(v) / sqrt(1 - beta2^t) + eps}, optional L2 weight decay
 * added to the gradient. ND4J's own Adam puts eps elsewhere, which shows on near-zero gradients. A tensor that
 * receives no gradient gets no state and no step, as in PyTorch.
 */
public final class AdamOptimizer {
  /** Hyper-parameters; PyTorch's defaults are {@code (1e-3, 0.9, 0.999, 1e-8, 0)}, Med-SA uses lr 1e-4. */
  public record Settings(double beta1, double beta2, double eps, double weightDecay) {
    /**
     * Validates the hyper-parameters.
     *
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @param eps the denominator's additive term, non-negative
     * @param weightDecay the L2 factor added to the gradient, non-negative
     * @throws IllegalArgumentException if a beta is outside [0, 1) or eps or weight decay is negative
     */
    public Settings {
      checkArgument(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "betas must be in [0, 1), got %s, %s",
          beta1, beta2);
      checkArgument(eps >= 0 && weightDecay >= 0, "eps and weight decay must be non-negative");
    }

    /** @return PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay */
    public static Settings pytorchDefaults() {
      return new Settings(0.9, 0.999, 1e-8, 0);
    }
  }

  /** One tensor's moments and step count ({@code exp_avg}, {@code exp_avg_sq}, {@code step}). */
  public record State(INDArray expAvg, INDArray expAvgSq, long step) {}

  private final Settings settings;
  private final Map<String, State> state = new LinkedHashMap<>();

  /**
   * An optimiser with no state yet.
   *
   * @param settings the hyper-parameters
   */
  public AdamOptimizer(Settings settings) {
    this.settings = settings;
  }

  /** @return the hyper-parameters */
  public Settings settings() {
    return settings;
  }

  /**
   * Updates {@code params} (live arrays) in place from {@code grads} at learning rate {@code lr}.
   *
   * @param params trained tensors by state-dict key, updated in place
   * @param grads gradients by the same keys; a tensor without a gradient is not stepped
   * @param lr the learning rate of this step
   * @throws IllegalArgumentException if a gradient names a tensor that is not in {@code params}
   */
  public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double lr) {
    double b1 = settings.beta1();
    double b2 = settings.beta2();
    for (Map.Entry<String, INDArray> e : grads.entrySet()) {
      String name = e.getKey();
      INDArray p = params.get(name);
      checkArgument(p != null, "gradient for %s, which is not a trained tensor", name);
      INDArray decay = settings.weightDecay() == 0 ? null : p.mul(settings.weightDecay());
      INDArray g = decay == null ? e.getValue() : e.getValue().add(decay);
      State s = state.get(name);
      INDArray m = s == null ? p.ulike() : s.expAvg();
      INDArray v = s == null ? p.ulike() : s.expAvgSq();
      if (s == null) {
        m.assign(0);
        v.assign(0);
      }
      long t = s == null ? 1 : s.step() + 1;
      INDArray firstMoment = g.mul(1 - b1);
      m.muli(b1).addi(firstMoment);
      INDArray secondMoment = g.mul(g).muli(1 - b2);
      v.muli(b2).addi(secondMoment);
      double stepSize = lr / (1 - Math.pow(b1, t));
      double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
      INDArray denom = Transforms.sqrt(v, true).divi(bc2Sqrt).addi(settings.eps());
      INDArray update = m.div(denom).muli(-stepSize);
      p.addi(update);
      state.put(name, new State(m, v, t));
      // The step's temporaries are freed now rather than when the collector finds them.
      NativeMemory.free(List.of(firstMoment, secondMoment, denom, update));
      if (decay != null) {
        NativeMemory.free(List.of(decay, g));
      }
    }
  }

  /**
   * The optimiser's state by tensor name (live arrays), for checkpoints.
   *
   * @return an unmodifiable view of the state
   */
  public Map<String, State> state() {
    return java.util.Collections.unmodifiableMap(state);
  }

  /**
   * Restores state saved with {@link #state()}, copying its arrays.
   *
   * @param saved state by tensor name; replaces all current state
   */
  public void restore(Map<String, State> saved) {
    state.clear();
    saved.forEach((k, s) -> state.put(k, new State(s.expAvg().dup(), s.expAvgSq().dup(), s.step())));
  }

  /** Frees the moment arrays at once and forgets them (a later step starts from zero moments). */
  void release() {
    for (State s : state.values()) {
      NativeMemory.free(s.expAvg());
      NativeMemory.free(s.expAvgSq());
    }
    state.clear();
  }
}
