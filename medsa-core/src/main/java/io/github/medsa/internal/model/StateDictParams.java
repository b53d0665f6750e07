package io.github.medsa.internal.model;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.extension.ParamSource;
import java.util.Arrays;
import java.util.function.Predicate;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Parameters taken from a state dict by name: frozen tensors become SameDiff constants, trainable ones
 * variables, so an optimiser only ever touches what is meant to train.
 */
public final class StateDictParams implements ParamSource {
  private final StateDict weights;
  private final Predicate<String> trainable;

  /**
   * Hands out {@code weights}, marking some as trainable.
   *
   * @param weights the tensors by official state-dict name
   * @param trainable accepts the names that become trainable variables; the rest are constants
   */
  public StateDictParams(StateDict weights, Predicate<String> trainable) {
    this.weights = weights;
    this.trainable = trainable;
  }

  /**
   * Everything frozen: inference.
   *
   * @param weights the tensors by official state-dict name
   * @return a source handing out every tensor as a constant
   */
  public static StateDictParams frozen(StateDict weights) {
    return new StateDictParams(weights, name -> false);
  }

  @Override
  public SDVariable get(SameDiff sd, String name, long[] shape) {
    if (sd.hasVariable(name)) {
      return sd.getVariable(name);
    }
    checkArgument(weights.contains(name), "the weights have no tensor %s (shape %s)", name, Arrays.toString(shape));
    INDArray arr = weights.get(name);
    checkArgument(Arrays.equals(arr.shape(), shape), "tensor %s has shape %s, the model expects %s", name,
        Arrays.toString(arr.shape()), Arrays.toString(shape));
    return trainable.test(name) ? sd.var(name, arr) : sd.constant(name, arr);
  }
}
