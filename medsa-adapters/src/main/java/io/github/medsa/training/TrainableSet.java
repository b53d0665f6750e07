package io.github.medsa.training;

import io.github.medsa.adapters.Adapters;
import io.github.medsa.internal.model.SamParameters;
import java.util.function.Predicate;

/** Which tensors an optimiser updates; everything else stays bit-identical. */
public enum TrainableSet {
  /** Med-SA: every adapter and the whole mask decoder. */
  ADAPTERS_AND_DECODER(n -> Adapters.isAdapter(n) || n.startsWith("mask_decoder.")),
  /** Only the adapters (encoder and, if present, decoder adapters). */
  ADAPTERS(Adapters::isAdapter),
  /** Only the mask decoder's own tensors (its adapters, if any, stay frozen). */
  DECODER(n -> n.startsWith("mask_decoder.") && !Adapters.isAdapter(n)),
  /** Full fine-tuning: every parameter (the prompt encoder's Gaussian matrix is a buffer and stays fixed). */
  ALL(n -> !n.equals(SamParameters.GAUSSIAN_MATRIX));

  private final Predicate<String> selects;

  TrainableSet(Predicate<String> selects) {
    this.selects = selects;
  }

  /**
   * Whether a tensor is trained.
   *
   * @param tensorName a state-dict key
   * @return true if the tensor is trained, false if frozen
   */
  public boolean trains(String tensorName) {
    return selects.test(tensorName);
  }
}
