/**
 * Segmentation metrics as MONAI computes them: Dice, IoU and HD95 (with voxel spacing) per case, the
 * policies for empty masks ({@link io.github.medsa.metrics.EmptyPolicy}), and dataset summaries.
 */
package io.github.medsa.metrics;
