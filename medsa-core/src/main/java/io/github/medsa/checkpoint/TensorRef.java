package io.github.medsa.checkpoint;

/** A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a view of a storage. */
record TensorRef(StorageRef storage, long storageOffset, long[] size, long[] stride) {}
