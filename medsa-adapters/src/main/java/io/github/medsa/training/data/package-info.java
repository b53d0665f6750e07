/**
 * 2D training data: {@link io.github.medsa.training.data.BinaryMask} ground truth,
 * {@link io.github.medsa.training.data.SegmentationDataset} (in memory or image/mask folders, binarised by a
 * {@link io.github.medsa.training.data.MaskRule}), per-epoch batches, and
 * {@link io.github.medsa.training.data.PromptSimulator}, which turns ground truth into reproducible click/box
 * prompts in original-image {@code (x, y)} pixels.
 *
 * <pre>{@code
 * SegmentationDataset ds = SegmentationDataset.fromFolders(dir, dir, MaskRule.labels(77, 78),
 *     FilePairing.byStem("img_", "lab_"));
 * PromptSimulator sim = PromptSimulator.builder().boxProbability(0.5).boxJitter(10).build();
 * for (Batch b : ds.epoch(4, seed, epoch, true)) {
 *   List<Prompt> prompts = b.prompts(sim, seed, epoch);
 * }
 * }</pre>
 */
package io.github.medsa.training.data;
