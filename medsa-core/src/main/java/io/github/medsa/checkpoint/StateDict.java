package io.github.medsa.checkpoint;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Named tensors as PyTorch's {@code state_dict()} holds them: official SAM names, PyTorch layouts
 * (Linear {@code [out, in]}, Conv2d {@code [out, in, kH, kW]}, ConvTranspose2d {@code [in, out, kH, kW]}),
 * float32, C order. Immutable: the map cannot change; the arrays are shared, not copied.
 */
public final class StateDict {
  private final ImmutableMap<String, INDArray> tensors;

  private StateDict(ImmutableMap<String, INDArray> tensors) {
    this.tensors = tensors;
  }

  /**
   * Wraps the given tensors (kept in the map's iteration order); each must be float32.
   *
   * @param tensors the tensors by state-dict name (the map is copied, the arrays are shared)
   * @return the state dict
   * @throws NullPointerException naming a tensor that is null
   * @throws IllegalArgumentException naming a tensor that is not FLOAT
   */
  public static StateDict of(Map<String, INDArray> tensors) {
    ImmutableMap.Builder<String, INDArray> b = ImmutableMap.builder();
    tensors.forEach((name, arr) -> {
      checkNotNull(arr, "tensor %s is null", name);
      checkArgument(arr.dataType() == DataType.FLOAT, "tensor %s is %s, expected FLOAT", name, arr.dataType());
      b.put(name, arr);
    });
    return new StateDict(b.build());
  }

  /**
   * The tensor names, in insertion order.
   *
   * @return the immutable set of names
   */
  public Set<String> names() {
    return tensors.keySet();
  }

  /**
   * Whether a tensor of this name is present.
   *
   * @param name the state-dict name
   * @return true if present
   */
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /**
   * The tensor called {@code name}.
   *
   * @param name the state-dict name
   * @return the shared array
   * @throws IllegalArgumentException naming it when absent
   */
  public INDArray get(String name) {
    INDArray a = tensors.get(name);
    checkArgument(a != null, "no tensor named %s in this state dict", name);
    return a;
  }

  /**
   * The shape of the tensor called {@code name}.
   *
   * @param name the state-dict name
   * @return its shape, in PyTorch's layout
   * @throws IllegalArgumentException naming it when absent
   */
  public long[] shape(String name) {
    return get(name).shape();
  }

  /**
   * The tensors as an immutable map.
   *
   * @return name to shared array, in insertion order
   */
  public Map<String, INDArray> asMap() {
    return tensors;
  }

  /**
   * Number of tensors.
   *
   * @return the tensor count
   */
  public int size() {
    return tensors.size();
  }

  /**
   * Total number of elements over all tensors.
   *
   * @return the summed lengths (parameters, for weights)
   */
  public long elementCount() {
    return tensors.values().stream().mapToLong(INDArray::length).sum();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("StateDict{" + tensors.size() + " tensors");
    tensors.entrySet().stream().limit(3).forEach(e ->
        sb.append(", ").append(e.getKey()).append(Arrays.toString(e.getValue().shape())));
    return sb.append(tensors.size() > 3 ? ", ...}" : "}").toString();
  }
}
