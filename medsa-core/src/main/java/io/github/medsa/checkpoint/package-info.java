/**
 * Checkpoints: PyTorch {@code .pth} (zip and legacy containers) and safetensors files, official SAM,
 * MobileSAM and Hugging Face names, read strictly into a {@link io.github.medsa.checkpoint.StateDict} with a
 * {@link io.github.medsa.checkpoint.LoadReport}; inspection without loading
 * ({@link io.github.medsa.checkpoint.CheckpointInfo}); typed errors naming the file and tensor for corrupt input.
 */
package io.github.medsa.checkpoint;
