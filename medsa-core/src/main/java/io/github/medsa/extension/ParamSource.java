package io.github.medsa.extension;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Gives the graph its parameters by state-dict name. Graph builders ask for every tensor they use through
 * this, with the shape they expect, so one builder serves to declare the parameter set (names and shapes,
 * nothing allocated), to load a checkpoint, and to choose which tensors train.
 */
@FunctionalInterface
public interface ParamSource {
  /**
   * The variable holding tensor {@code name}, created in {@code sd} on first request.
   *
   * @param sd the graph being built
   * @param name the tensor's full state-dict name, e.g. {@code image_encoder.blocks.0.attn.qkv.weight}
   * @param shape the PyTorch shape the graph expects
   * @return the variable (or constant, for a frozen tensor) of that shape, float32
   * @throws IllegalArgumentException if the source holds the tensor with another shape, or cannot supply it
   */
  SDVariable get(SameDiff sd, String name, long[] shape);
}
