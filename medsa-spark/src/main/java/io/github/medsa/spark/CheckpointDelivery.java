package io.github.medsa.spark;

/** How the checkpoint reaches the executors. Either way each executor JVM builds the model once. */
public enum CheckpointDelivery {
  /** Every executor reads the checkpoint from its (shared) Hadoop URI: HDFS, S3, a network mount. */
  READ_ON_EXECUTORS,
  /** The driver reads the checkpoint once and broadcasts its bytes (no shared file system needed; at most 2 GB). */
  BROADCAST
}
