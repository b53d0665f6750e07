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
  /** The variable holding tensor {@code name}, created in {@code sd} on first request. */
  SDVariable get(SameDiff sd, String name, long[] shape);
}
