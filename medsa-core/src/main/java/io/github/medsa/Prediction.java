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

  public Prediction {
    iouPredictions = iouPredictions.clone();
  }

  @Override
  public float[] iouPredictions() {
    return iouPredictions.clone();
  }

  public int count() {
    return iouPredictions.length;
  }

  /** Index of the mask with the highest predicted IoU. */
  public int best() {
    int best = 0;
    for (int i = 1; i < iouPredictions.length; i++) {
      if (iouPredictions[i] > iouPredictions[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Mask {@code i} as {@code [H, W]} BOOL. */
  public INDArray mask(int i) {
    checkElementIndex(i, count(), "mask index");
    return masks.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all());
  }

  /** Low-res logits of mask {@code i} as {@code [1, 4g, 4g]}, ready to be a mask input. */
  public INDArray lowResLogits(int i) {
    checkElementIndex(i, count(), "mask index");
    return lowResLogits.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all(), NDArrayIndex.all()).dup();
  }
}
