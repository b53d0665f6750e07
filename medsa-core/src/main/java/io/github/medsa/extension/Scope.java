package io.github.medsa.extension;

import com.google.common.base.Preconditions;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * A module's place in the state dict ({@code image_encoder.blocks.3.attn.}) while its graph is built:
 * the PyTorch module path, so that {@code scope.param("qkv.weight", ...)} names the variable exactly as the
 * checkpoint does.
 */
public final class Scope {
  private final SameDiff sd;
  private final ParamSource params;
  private final String prefix;

  private Scope(SameDiff sd, ParamSource params, String prefix) {
    this.sd = sd;
    this.params = params;
    this.prefix = prefix;
  }

  public static Scope root(SameDiff sd, ParamSource params) {
    return new Scope(Preconditions.checkNotNull(sd), Preconditions.checkNotNull(params), "");
  }

  /** The scope of a submodule, e.g. {@code child("blocks.0")}. */
  public Scope child(String name) {
    return new Scope(sd, params, prefix + name + ".");
  }

  public SDVariable param(String name, long... shape) {
    return params.get(sd, prefix + name, shape);
  }

  public SameDiff sd() {
    return sd;
  }

  /** The full dotted name of {@code local} in this scope (no trailing dot for the scope itself). */
  public String name(String local) {
    return local.isEmpty() ? prefix.substring(0, Math.max(0, prefix.length() - 1)) : prefix + local;
  }
}
