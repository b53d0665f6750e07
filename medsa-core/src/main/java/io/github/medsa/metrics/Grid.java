package io.github.medsa.metrics;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;

/** The shape of a C-ordered (row-major, last axis fastest) array of any rank, as the algorithms see it. */
final class Grid {
  private final int[] shape;
  private final int[] strides;
  private final int size;

  Grid(int... shape) {
    checkNotNull(shape, "shape");
    checkArgument(shape.length >= 1, "shape must have at least one axis, got %s", Arrays.toString(shape));
    long size = 1;
    for (int n : shape) {
      checkArgument(n > 0, "every axis must be positive, got shape %s", Arrays.toString(shape));
      size *= n;
      checkArgument(size <= Integer.MAX_VALUE, "shape %s is too large for one array", Arrays.toString(shape));
    }
    this.shape = shape.clone();
    this.size = (int) size;
    this.strides = new int[shape.length];
    int stride = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      strides[d] = stride;
      stride *= shape[d];
    }
  }

  int rank() {
    return shape.length;
  }

  int size() {
    return size;
  }

  int extent(int axis) {
    return shape[axis];
  }

  int stride(int axis) {
    return strides[axis];
  }

  int coordinate(int flatIndex, int axis) {
    return (flatIndex / strides[axis]) % shape[axis];
  }

  /** The multi-index of a flat index, e.g. {@code [2, 5]}, so error messages point at a pixel, not an offset. */
  String position(int flatIndex) {
    int[] coordinates = new int[shape.length];
    for (int d = 0; d < shape.length; d++) {
      coordinates[d] = coordinate(flatIndex, d);
    }
    return Arrays.toString(coordinates);
  }

  @Override
  public String toString() {
    return Arrays.toString(shape);
  }
}
