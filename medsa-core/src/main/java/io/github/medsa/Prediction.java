package io.github.medsa;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import io.github.medsa.internal.model.NativeMemory;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * SAM's answer to one prompt: {@code C} candidate masks (3 with multimask output, else 1).
 *
 * <p>Owns its arrays in native memory (two of them at the original image size per mask): {@link #close()} frees
 * them at once, so use it in try-with-resources or close it when done. Every accessor throws
 * {@link IllegalStateException} after {@code close()}; copy ({@code dup()}) what must outlive the prediction.
 * Equality is identity.
 */
public final class Prediction implements AutoCloseable {
  private final INDArray masks;
  private final INDArray logits;
  private final float[] iouPredictions;
  private final INDArray lowResLogits;
  private volatile boolean closed;

  /**
   * Creates the prediction, which takes the arrays over ({@link #close()} frees them) and copies the IoU
   * estimates.
   *
   * @param masks {@code [C, H, W]} BOOL masks at the original image size
   * @param logits {@code [C, H, W]} mask logits at the original image size
   * @param iouPredictions one IoU estimate per mask (copied)
   * @param lowResLogits {@code [C, 4g, 4g]} decoder logits
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the arrays do not have {@code C = iouPredictions.length} masks
   */
  public Prediction(INDArray masks, INDArray logits, float[] iouPredictions, INDArray lowResLogits) {
    checkNotNull(masks, "masks");
    checkNotNull(logits, "logits");
    checkNotNull(iouPredictions, "iouPredictions");
    checkNotNull(lowResLogits, "lowResLogits");
    int c = iouPredictions.length;
    checkArgument(masks.rank() == 3 && masks.size(0) == c && logits.rank() == 3 && logits.size(0) == c
        && lowResLogits.rank() == 3 && lowResLogits.size(0) == c,
        "masks, logits and low-res logits must be [C, h, w] with C = %s IoU estimates", c);
    this.masks = masks;
    this.logits = logits;
    this.iouPredictions = iouPredictions.clone();
    this.lowResLogits = lowResLogits;
  }

  /**
   * The binary masks, {@code logits > 0}.
   *
   * @return {@code [C, H, W]} BOOL at the original image size (the live array: {@link #close()} frees it)
   * @throws IllegalStateException if this prediction is closed
   */
  public INDArray masks() {
    checkOpen();
    return masks;
  }

  /**
   * The mask logits.
   *
   * @return {@code [C, H, W]} float at the original image size (the live array: {@link #close()} frees it)
   * @throws IllegalStateException if this prediction is closed
   */
  public INDArray logits() {
    checkOpen();
    return logits;
  }

  /**
   * The model's estimate of each mask's IoU with the object.
   *
   * @return a copy, one value per mask
   * @throws IllegalStateException if this prediction is closed
   */
  public float[] iouPredictions() {
    checkOpen();
    return iouPredictions.clone();
  }

  /**
   * The logits as the decoder produced them; one of them can be fed back as {@link Prompt.Builder#maskInput}
   * (see {@link #lowResLogits(int)}).
   *
   * @return {@code [C, 4g, 4g]} (the live array: {@link #close()} frees it)
   * @throws IllegalStateException if this prediction is closed
   */
  public INDArray lowResLogits() {
    checkOpen();
    return lowResLogits;
  }

  /**
   * Number of candidate masks.
   *
   * @return {@code C}: 3 with multimask output, else 1
   * @throws IllegalStateException if this prediction is closed
   */
  public int count() {
    checkOpen();
    return iouPredictions.length;
  }

  /**
   * Index of the mask with the highest predicted IoU.
   *
   * @return the index in {@code 0..count()-1} (the first on ties)
   * @throws IllegalStateException if this prediction is closed
   */
  public int best() {
    checkOpen();
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
   * @return a view of the mask at the original image size ({@link #close()} frees it; {@code dup()} to keep it)
   * @throws IndexOutOfBoundsException if {@code i} is not in {@code 0..count()-1}
   * @throws IllegalStateException if this prediction is closed
   */
  public INDArray mask(int i) {
    checkElementIndex(i, count(), "mask index");
    return masks.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all());
  }

  /**
   * Low-res logits of mask {@code i} as {@code [1, 4g, 4g]}, ready to be a mask input.
   *
   * @param i the mask index
   * @return a copy of that mask's decoder logits (the caller's: it outlives this prediction)
   * @throws IndexOutOfBoundsException if {@code i} is not in {@code 0..count()-1}
   * @throws IllegalStateException if this prediction is closed
   */
  public INDArray lowResLogits(int i) {
    checkElementIndex(i, count(), "mask index");
    return lowResLogits.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all(), NDArrayIndex.all()).dup();
  }

  /**
   * Whether {@link #close()} has run.
   *
   * @return true once this prediction is closed
   */
  public boolean isClosed() {
    return closed;
  }

  /** Frees the masks, logits and low-res logits at once; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    NativeMemory.free(List.of(masks, logits, lowResLogits));
  }

  private void checkOpen() {
    checkState(!closed, "Prediction is closed");
  }
}
