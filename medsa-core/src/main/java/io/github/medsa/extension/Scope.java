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

  /**
   * The root scope of a graph: the empty path, so that {@code root.child("image_encoder")} is the encoder.
   *
   * @param sd the graph the variables are created in
   * @param params where the tensors come from (a checkpoint, a declaration pass, ...)
   * @return the root scope
   * @throws NullPointerException if an argument is null
   */
  public static Scope root(SameDiff sd, ParamSource params) {
    return new Scope(Preconditions.checkNotNull(sd), Preconditions.checkNotNull(params), "");
  }

  /**
   * The scope of a submodule, e.g. {@code child("blocks.0")}.
   *
   * @param name the submodule's attribute path relative to this scope, without leading or trailing dot
   * @return the submodule's scope, same graph and parameter source
   */
  public Scope child(String name) {
    return new Scope(sd, params, prefix + name + ".");
  }

  /**
   * The variable holding this module's tensor {@code name}, e.g. {@code param("qkv.weight", 3 * c, c)} in scope
   * {@code image_encoder.blocks.3.attn.} is {@code image_encoder.blocks.3.attn.qkv.weight}.
   *
   * @param name the tensor's name relative to this scope
   * @param shape the PyTorch shape the graph expects (e.g. {@code [out, in]} for a linear weight)
   * @return the variable, created in the graph on first request, float32
   * @throws IllegalArgumentException if the parameter source holds the tensor with another shape
   */
  public SDVariable param(String name, long... shape) {
    return params.get(sd, prefix + name, shape);
  }

  /**
   * The graph being built.
   *
   * @return the graph this scope's variables are created in
   */
  public SameDiff sd() {
    return sd;
  }

  /**
   * The full dotted name of {@code local} in this scope (no trailing dot for the scope itself).
   *
   * @param local a name relative to this scope, or {@code ""} for the scope itself
   * @return the state-dict style name, e.g. {@code image_encoder.blocks.3.attn.qkv.weight}
   */
  public String name(String local) {
    return local.isEmpty() ? prefix.substring(0, Math.max(0, prefix.length() - 1)) : prefix + local;
  }
}
