package io.github.medsa.metrics;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-case Dice, IoU and HD95 of a binary segmentation, under one of two protocols. Immutable and thread-safe;
 * configure with the {@code with...} methods, which return a copy.
 *
 * <ul>
 *   <li>{@link #monai()}: the prediction is foreground where {@code probability > threshold} (strictly, so 0.5
 *       itself is background), Dice = 2|P∩G| / (|P| + |G|), IoU = |P∩G| / |P∪G|, both-empty cases per
 *       {@link EmptyPolicy}; as MONAI's {@code DiceMetric} and {@code MeanIoU}.
 *   <li>{@link #medSaPaper()}: the Med-SA paper's {@code eval_seg}: for each threshold in {0.1, 0.3, 0.5, 0.7,
 *       0.9} both prediction and truth are binarised with {@code > th}, Dice = (2I + 1e-4) / (|P| + |G| + 1e-4)
 *       and IoU = (I + 1e-6) / (U + 1e-6), then the five values are averaged. The smoothing makes both-empty
 *       score 1 whatever the {@link EmptyPolicy}. Numbers are comparable with the paper's tables, not with
 *       MONAI's. Since the truth is binary here, binarising it is the identity.
 * </ul>
 *
 * <p>HD95 is the same in both protocols: computed on {@code probability > threshold} (see
 * {@link #withThreshold}) with the configured spacing, as MONAI's
 * {@code compute_hausdorff_distance(percentile=95)}. Both masks empty gives 0 under {@link EmptyPolicy#ONE} and
 * NaN under {@link EmptyPolicy#NAN}; exactly one empty gives +Infinity (as MONAI, which also warns).
 *
 * <p>Inputs are C-ordered arrays of any equal shape, typically 2-D {@code [H, W]} or 3-D {@code [D, H, W]}; a
 * batch is several calls, one per case. The ground truth must be exactly 0 or 1 everywhere: a label map with
 * other values (255, class ids) is refused rather than binarised, because guessing a rule would silently score
 * the wrong structure. Everything is computed in double precision.
 */
public final class SegmentationMetrics {
  private static final double[] PAPER_THRESHOLDS = {0.1, 0.3, 0.5, 0.7, 0.9};
  private static final double PAPER_DICE_EPS = 1e-4;
  private static final double PAPER_IOU_EPS = 1e-6;
  private static final double HD_PERCENTILE = 95;

  private final boolean paperProtocol;
  private final double threshold;
  private final EmptyPolicy emptyPolicy;
  /** Null means 1 along every axis, whatever the rank of the input. */
  private final double[] spacing;

  private SegmentationMetrics(boolean paperProtocol, double threshold, EmptyPolicy emptyPolicy, double[] spacing) {
    this.paperProtocol = paperProtocol;
    this.threshold = threshold;
    this.emptyPolicy = emptyPolicy;
    this.spacing = spacing;
  }

  /**
   * MONAI conventions: threshold 0.5, {@link EmptyPolicy#ONE}, unit spacing.
   *
   * @return the metrics
   */
  public static SegmentationMetrics monai() {
    return new SegmentationMetrics(false, 0.5, EmptyPolicy.ONE, null);
  }

  /**
   * The Med-SA paper's Dice/IoU averaged over five thresholds; HD95 as in {@link #monai()}.
   *
   * @return the metrics
   */
  public static SegmentationMetrics medSaPaper() {
    return new SegmentationMetrics(true, 0.5, EmptyPolicy.ONE, null);
  }

  /**
   * The probability above which (strictly) a voxel is predicted foreground. Under {@link #medSaPaper()} it only
   * affects HD95, since Dice and IoU use the paper's five fixed thresholds.
   *
   * @param threshold the probability threshold, in [0, 1)
   * @return a copy with this threshold
   * @throws IllegalArgumentException if it is outside [0, 1)
   */
  public SegmentationMetrics withThreshold(double threshold) {
    checkArgument(threshold >= 0 && threshold < 1, "threshold must be in [0, 1), got %s", threshold);
    return new SegmentationMetrics(paperProtocol, threshold, emptyPolicy, spacing);
  }

  /**
   * What a case scores when prediction and truth are both empty.
   *
   * @param emptyPolicy the policy
   * @return a copy with this policy
   * @throws NullPointerException if {@code emptyPolicy} is null
   */
  public SegmentationMetrics withEmptyPolicy(EmptyPolicy emptyPolicy) {
    checkNotNull(emptyPolicy, "emptyPolicy");
    return new SegmentationMetrics(paperProtocol, threshold, emptyPolicy, spacing);
  }

  /**
   * Physical size of a pixel/voxel along each axis, in the order of the array's axes (e.g. {@code (dz, dy, dx)}
   * for {@code [D, H, W]}); HD95 is reported in these units. Must have one value per axis of the inputs.
   *
   * @param spacing one positive spacing per axis (e.g. millimetres)
   * @return a copy with this spacing
   * @throws NullPointerException if {@code spacing} is null
   * @throws IllegalArgumentException if it is empty or a value is not positive and finite
   */
  public SegmentationMetrics withSpacing(double... spacing) {
    checkNotNull(spacing, "spacing");
    checkArgument(spacing.length >= 1, "spacing needs at least one value");
    for (double s : spacing) {
      checkArgument(s > 0 && Double.isFinite(s), "spacing must be positive and finite, got %s",
          Arrays.toString(spacing));
    }
    return new SegmentationMetrics(paperProtocol, threshold, emptyPolicy, spacing.clone());
  }

  /**
   * The probability above which (strictly) a voxel is predicted foreground.
   *
   * @return the threshold, in [0, 1)
   */
  public double threshold() {
    return threshold;
  }

  /**
   * What a case scores when prediction and truth are both empty.
   *
   * @return the policy
   */
  public EmptyPolicy emptyPolicy() {
    return emptyPolicy;
  }

  /**
   * The metrics of one case from predicted probabilities.
   *
   * @param probabilities foreground probabilities in [0, 1] (e.g. {@code sigmoid(logits)}), any numeric type
   * @param truth ground truth of the same shape, 0 or 1 (any numeric or boolean type)
   * @return Dice, IoU and HD95 of this case
   * @throws IllegalArgumentException on a shape mismatch, a NaN or out-of-range probability, or a non-binary truth
   */
  public CaseMetrics fromProbabilities(INDArray probabilities, INDArray truth) {
    checkNotNull(probabilities, "probabilities");
    checkNotNull(truth, "truth");
    Grid grid = sameShape(probabilities, truth);
    return fromProbabilities(toDoubles(probabilities), binary(toDoubles(truth), grid), grid);
  }

  /**
   * The metrics of one case from mask logits.
   *
   * @param logits raw mask-decoder outputs; {@code sigmoid} is applied here (in double) before thresholding,
   *     so the result equals {@link #fromProbabilities(INDArray, INDArray)} on {@code sigmoid(logits)}
   * @param truth ground truth of the same shape, 0 or 1
   * @return Dice, IoU and HD95 of this case
   * @throws IllegalArgumentException on a shape mismatch, a NaN logit or a non-binary truth
   */
  public CaseMetrics fromLogits(INDArray logits, INDArray truth) {
    checkNotNull(logits, "logits");
    checkNotNull(truth, "truth");
    Grid grid = sameShape(logits, truth);
    return fromProbabilities(sigmoid(toDoubles(logits), grid), binary(toDoubles(truth), grid), grid);
  }

  /**
   * As {@link #fromProbabilities(INDArray, INDArray)} for flat C-ordered arrays of the given shape.
   *
   * @param probabilities foreground probabilities in [0, 1], C order
   * @param truth ground truth, C order
   * @param shape the axes' sizes, e.g. {@code H, W} or {@code D, H, W}
   * @return Dice, IoU and HD95 of this case
   * @throws IllegalArgumentException if the lengths do not match the shape, or a probability is NaN or outside
   *     [0, 1]
   */
  public CaseMetrics fromProbabilities(double[] probabilities, boolean[] truth, int... shape) {
    Grid grid = flatShape(probabilities, truth, shape);
    return fromProbabilities(probabilities.clone(), truth.clone(), grid);
  }

  /**
   * As {@link #fromLogits(INDArray, INDArray)} for flat C-ordered arrays of the given shape.
   *
   * @param logits raw mask logits, C order
   * @param truth ground truth, C order
   * @param shape the axes' sizes, e.g. {@code H, W} or {@code D, H, W}
   * @return Dice, IoU and HD95 of this case
   * @throws IllegalArgumentException if the lengths do not match the shape or a logit is NaN
   */
  public CaseMetrics fromLogits(double[] logits, boolean[] truth, int... shape) {
    Grid grid = flatShape(logits, truth, shape);
    return fromProbabilities(sigmoid(logits, grid), truth.clone(), grid);
  }

  /**
   * An already binarised prediction, for flat C-ordered arrays of the given shape. Under
   * {@link #medSaPaper()} every threshold sees the same mask, so only the smoothing differs from
   * {@link #monai()}.
   *
   * @param prediction the predicted mask, C order
   * @param truth ground truth, C order
   * @param shape the axes' sizes, e.g. {@code H, W} or {@code D, H, W}
   * @return Dice, IoU and HD95 of this case
   * @throws NullPointerException if {@code prediction} is null
   * @throws IllegalArgumentException if the lengths do not match the shape
   */
  public CaseMetrics fromMasks(boolean[] prediction, boolean[] truth, int... shape) {
    checkNotNull(prediction, "prediction");
    double[] probabilities = new double[prediction.length];
    for (int i = 0; i < prediction.length; i++) {
      probabilities[i] = prediction[i] ? 1 : 0;
    }
    Grid grid = flatShape(probabilities, truth, shape);
    return fromProbabilities(probabilities, truth.clone(), grid);
  }

  private CaseMetrics fromProbabilities(double[] probabilities, boolean[] truth, Grid grid) {
    for (int i = 0; i < probabilities.length; i++) {
      double p = probabilities[i];
      checkArgument(!Double.isNaN(p), "prediction is NaN at %s", grid.position(i));
      // A value outside [0, 1] almost always means logits were passed as probabilities.
      checkArgument(p >= 0 && p <= 1,
          "probability %s at %s is outside [0, 1]; pass logits to fromLogits", p, grid.position(i));
    }
    double[] cellSpacing = spacingFor(grid);
    boolean[] prediction = above(probabilities, threshold);
    double hd95 = SurfaceDistance.hausdorff(prediction, truth, grid, cellSpacing, HD_PERCENTILE);
    if (Double.isNaN(hd95)) {
      hd95 = emptyPolicy == EmptyPolicy.ONE ? 0 : Double.NaN;
    }
    if (paperProtocol) {
      return paper(probabilities, truth, hd95);
    }
    Overlap o = Overlap.of(prediction, truth);
    double whenBothEmpty = emptyPolicy == EmptyPolicy.ONE ? 1 : Double.NaN;
    double dice = o.predicted + o.truth == 0 ? whenBothEmpty : 2.0 * o.intersection / (o.predicted + o.truth);
    double iou = o.union() == 0 ? whenBothEmpty : (double) o.intersection / o.union();
    return new CaseMetrics(dice, iou, hd95);
  }

  private static CaseMetrics paper(double[] probabilities, boolean[] truth, double hd95) {
    double[] truthValues = new double[truth.length];
    for (int i = 0; i < truth.length; i++) {
      truthValues[i] = truth[i] ? 1 : 0;
    }
    double diceSum = 0;
    double iouSum = 0;
    for (double th : PAPER_THRESHOLDS) {
      Overlap o = Overlap.of(above(probabilities, th), above(truthValues, th));
      diceSum += (2.0 * o.intersection + PAPER_DICE_EPS) / (o.predicted + o.truth + PAPER_DICE_EPS);
      iouSum += (o.intersection + PAPER_IOU_EPS) / (o.union() + PAPER_IOU_EPS);
    }
    return new CaseMetrics(diceSum / PAPER_THRESHOLDS.length, iouSum / PAPER_THRESHOLDS.length, hd95);
  }

  /** Voxel counts; longs so that large 3-D volumes cannot overflow {@code 2 * intersection}. */
  private record Overlap(long intersection, long predicted, long truth) {
    static Overlap of(boolean[] prediction, boolean[] truth) {
      long i = 0;
      long p = 0;
      long g = 0;
      for (int k = 0; k < prediction.length; k++) {
        if (prediction[k]) {
          p++;
        }
        if (truth[k]) {
          g++;
          if (prediction[k]) {
            i++;
          }
        }
      }
      return new Overlap(i, p, g);
    }

    long union() {
      return predicted + truth - intersection;
    }
  }

  private static boolean[] above(double[] values, double threshold) {
    boolean[] mask = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      mask[i] = values[i] > threshold;
    }
    return mask;
  }

  private static double[] sigmoid(double[] logits, Grid grid) {
    double[] p = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      checkArgument(!Double.isNaN(logits[i]), "prediction is NaN at %s", grid.position(i));
      p[i] = 1 / (1 + Math.exp(-logits[i]));
    }
    return p;
  }

  private static boolean[] binary(double[] truth, Grid grid) {
    boolean[] mask = new boolean[truth.length];
    for (int i = 0; i < truth.length; i++) {
      double t = truth[i];
      checkArgument(t == 0 || t == 1, "ground truth must be 0 or 1, found %s at %s", t, grid.position(i));
      mask[i] = t == 1;
    }
    return mask;
  }

  private double[] spacingFor(Grid grid) {
    if (spacing == null) {
      double[] unit = new double[grid.rank()];
      Arrays.fill(unit, 1);
      return unit;
    }
    checkArgument(spacing.length == grid.rank(), "spacing %s has %s values but the inputs %s have %s axes",
        Arrays.toString(spacing), spacing.length, grid, grid.rank());
    return spacing;
  }

  private static Grid sameShape(INDArray prediction, INDArray truth) {
    long[] p = prediction.shape();
    long[] g = truth.shape();
    checkArgument(Arrays.equals(p, g), "prediction shape %s does not match ground truth shape %s",
        Arrays.toString(p), Arrays.toString(g));
    checkArgument(p.length >= 1 && prediction.length() > 0, "inputs must be non-empty arrays, got shape %s",
        Arrays.toString(p));
    int[] shape = new int[p.length];
    for (int d = 0; d < p.length; d++) {
      checkArgument(p[d] <= Integer.MAX_VALUE, "shape %s is too large", Arrays.toString(p));
      shape[d] = (int) p[d];
    }
    return new Grid(shape);
  }

  private static Grid flatShape(double[] prediction, boolean[] truth, int[] shape) {
    checkNotNull(prediction, "prediction");
    checkNotNull(truth, "truth");
    Grid grid = new Grid(shape);
    checkArgument(prediction.length == grid.size() && truth.length == grid.size(),
        "prediction length %s and ground truth length %s must both equal the size %s of shape %s",
        prediction.length, truth.length, grid.size(), grid);
    return grid;
  }

  /** C-order copy in double: views, f-order arrays and any data type (incl. BOOL) come out the same. */
  private static double[] toDoubles(INDArray array) {
    double[] values = array.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    int length = (int) array.length();
    return values.length == length ? values : Arrays.copyOf(values, length);
  }
}
