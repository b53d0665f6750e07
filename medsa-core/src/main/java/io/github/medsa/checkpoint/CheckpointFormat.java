package io.github.medsa.checkpoint;

/** Container formats {@link Checkpoints#read} recognises from a file's first bytes. */
public enum CheckpointFormat {
  /** {@code torch.save} zip container (PyTorch 1.6+): {@code <prefix>/data.pkl} plus one entry per storage. */
  PTH_ZIP,
  /** {@code torch.save} legacy container: a stream of pickles followed by the raw storages. */
  PTH_LEGACY,
  /** Hugging Face safetensors: 8-byte little-endian header length, JSON header, raw data. */
  SAFETENSORS
}
