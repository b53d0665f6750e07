package io.github.medsa.checkpoint;

/**
 * A persistent storage id from a PyTorch pickle: {@code ('storage', type, key, location, numel)} in zip
 * files, with a sixth element {@code view_metadata} (None or {@code (view_key, offset, view_size)}) in
 * legacy files. {@code viewOffset}/{@code viewSize} describe the part of storage {@code key} seen (the
 * whole storage when there is no view).
 */
record StorageRef(TensorDtype dtype, String key, long numel, long viewOffset, long viewSize) {}
