/**
 * Volumes: {@link io.github.medsa.volume.Volume} with its {@link io.github.medsa.volume.Geometry}
 * (voxel-to-world affine, RAS+ world coordinates in millimetres, as NIfTI), 3D prompts in voxel or world
 * coordinates, slice-wise and SD-Trans inference ({@link io.github.medsa.volume.VolumeSegmenter}), volume training
 * data and 3D metrics.
 */
package io.github.medsa.volume;
