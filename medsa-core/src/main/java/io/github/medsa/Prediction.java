package io.github.medsa;

import static com.google.common.base.Preconditions.checkElementIndex;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * SAM's answer to one prompt: {@code C} candidate masks (3 with multimask output, else 1).
 *
 * @param masks {@code [C, H, W]} BOOL, {@code logits > 0}, at the original image size
 * @param logits {@code [C, H, W]} float mask logits at the original image size
 * @param iouPredictions the model's estimate of each mask's IoU
 * @param lowResLogits {@code [C, 4g, 4g]} logits as the decoder produced them; one of them can be fed back as
 *     {@link Prompt.Builder#maskInput}
 */
public record Prediction(INDArray masks, INDArray logits, float[] iouPredictions, INDArray lowResLogits) {

  /**
   * Creates the prediction, copying the IoU estimates.
   *
   * @param masks {@code [C, H, W]} BOOL masks at the original image size
   * @param logits {@code [C, H, W]} mask logits at the original image size
   * @param iouPredictions one IoU estimate per mask (copied)
   * @param lowResLogits {@code [C, 4g, 4g]} decoder logits
   */
  public Prediction {
    iouPredictions = iouPredictions.clone();
  }

  /**
   * The model's estimate of each mask's IoU with the object.
   *
   * @return a copy, one value per mask
   */
  @Override
  public float[] iouPredictions() {
    return iouPredictions.clone();
  }

  /**
   * Number of candidate masks.
   *
   * @return {@code C}: 3 with multimask output, else 1
   */
  public int count() {
    return iouPredictions.length;
  }

  /**
   * Index of the mask with the highest predicted IoU.
   *
   * @return the index in {@code 0..count()-1} (the first on ties)
   */
  public int best() {
    int best = 0;
    for (int i = 1; i < iouPredictions.length; i++) {
      if (iouPredictions[i] > iouPredictions[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Mask {@code i} as {@code [H, W]} BOOL.
   *
   * @param i the mask index
   * @return a view of the mask at the original image size
   * @throws IndexOutOfBoundsException if {@code i} is not in {@code 0..count()-1}
   */
  public INDArray mask(int i) {
    checkElementIndex(i, count(), "mask index");
    return masks.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all());
  }

  /**
   * Low-res logits of mask {@code i} as {@code [1, 4g, 4g]}, ready to be a mask input.
   *
   * @param i the mask index
   * @return a copy of that mask's decoder logits
   * @throws IndexOutOfBoundsException if {@code i} is not in {@code 0..count()-1}
   */
  public INDArray lowResLogits(int i) {
    checkElementIndex(i, count(), "mask index");
    return lowResLogits.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all(), NDArrayIndex.all()).dup();
  }
}
