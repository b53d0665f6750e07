package io.github.medsa.spark;

/** The modules grafted onto SAM when the executors build the model (their tensors come from the checkpoint). */
public enum ModelAdapters {
  /** Plain SAM. */
  NONE,
  /** Med-SA's adapters in every encoder block ({@code Adapters.medsa()}), as {@code medsa train} writes them. */
  MEDSA,
  /** SD-Trans: Med-SA's adapters plus attention across chunks of consecutive slices ({@code SdTrans.of}). */
  SD_TRANS
}
