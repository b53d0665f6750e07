package io.github.medsa.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SegmentationMetricsTest {
  private static final double EPS = 1e-12;

  private static INDArray grid(double[][] rows) {
    return Nd4j.create(rows);
  }

  // Truth: the 2x2 square at rows 0-1, cols 0-1 (|G| = 4).
  // Prediction (> 0.5): (0,0), (0,1), (2,2) (|P| = 3); (1,0) at exactly 0.5 is background.
  // I = 2, U = 3 + 4 - 2 = 5 -> Dice = 2*2/(3+4) = 4/7, IoU = 2/5.
  private static final double[][] PROBABILITIES = {
      {0.9, 0.8, 0.1, 0.1},
      {0.5, 0.2, 0.1, 0.1},
      {0.1, 0.1, 0.6, 0.1},
      {0.1, 0.1, 0.1, 0.1}};
  private static final double[][] TRUTH = {
      {1, 1, 0, 0},
      {1, 1, 0, 0},
      {0, 0, 0, 0},
      {0, 0, 0, 0}};

  @Test
  void diceAndIouOfHandMadeMasks() {
    CaseMetrics m = SegmentationMetrics.monai().fromProbabilities(grid(PROBABILITIES), grid(TRUTH));
    assertThat(m.dice()).isCloseTo(4.0 / 7, within(EPS));
    assertThat(m.iou()).isCloseTo(2.0 / 5, within(EPS));
    // Edges: every pixel of both masks (nothing is interior). P->G distances {0, 0, sqrt2}: numpy's 95th
    // percentile sits at position 0.95*2 = 1.9, i.e. 0 + 0.9*sqrt2. G->P distances {0, 0, 1, 1} -> 1.
    // HD95 = max(0.9*sqrt2, 1) = 0.9*sqrt2.
    assertThat(m.hd95()).isCloseTo(0.9 * Math.sqrt(2), within(EPS));
  }

  @Test
  void booleanAndFlatInputsAgreeWithIndArrays() {
    boolean[] prediction = new boolean[16];
    boolean[] truth = new boolean[16];
    double[] probabilities = new double[16];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        prediction[r * 4 + c] = PROBABILITIES[r][c] > 0.5;
        probabilities[r * 4 + c] = PROBABILITIES[r][c];
        truth[r * 4 + c] = TRUTH[r][c] == 1;
      }
    }
    CaseMetrics expected = SegmentationMetrics.monai().fromProbabilities(grid(PROBABILITIES), grid(TRUTH));
    assertThat(SegmentationMetrics.monai().fromMasks(prediction, truth, 4, 4)).isEqualTo(expected);
    assertThat(SegmentationMetrics.monai().fromProbabilities(probabilities, truth, 4, 4)).isEqualTo(expected);
    // A float prediction and a BOOL truth go through the same conversion.
    INDArray boolTruth = grid(TRUTH).castTo(DataType.BOOL);
    assertThat(SegmentationMetrics.monai()
        .fromProbabilities(grid(PROBABILITIES).castTo(DataType.FLOAT), boolTruth).dice())
        .isCloseTo(4.0 / 7, within(1e-12));
  }

  @Test
  void bothEmptyIsOneByDefaultAndNanWhenAsked() {
    INDArray empty = Nd4j.zeros(DataType.DOUBLE, 3, 3);
    CaseMetrics one = SegmentationMetrics.monai().fromProbabilities(empty, empty);
    assertThat(one).isEqualTo(new CaseMetrics(1, 1, 0));

    CaseMetrics nan = SegmentationMetrics.monai().withEmptyPolicy(EmptyPolicy.NAN).fromProbabilities(empty, empty);
    assertThat(nan.dice()).isNaN();
    assertThat(nan.iou()).isNaN();
    assertThat(nan.hd95()).isNaN();
  }

  @Test
  void nanCaseIsSkippedInTheMeanAndCounted() {
    SegmentationMetrics metrics = SegmentationMetrics.monai().withEmptyPolicy(EmptyPolicy.NAN);
    INDArray empty = Nd4j.zeros(DataType.DOUBLE, 4, 4);
    CaseMetrics scored = metrics.fromProbabilities(grid(PROBABILITIES), grid(TRUTH));
    CaseMetrics skipped = metrics.fromProbabilities(empty, empty);

    DatasetMetrics summary = DatasetMetrics.of(List.of(scored, skipped));
    assertThat(summary.dice().mean()).isCloseTo(4.0 / 7, within(EPS));
    assertThat(summary.dice().cases()).isEqualTo(1);
    assertThat(summary.dice().skipped()).isEqualTo(1);
    assertThat(summary.iou().mean()).isCloseTo(2.0 / 5, within(EPS));

    // With the default policy the same empty case counts as a perfect 1: mean (4/7 + 1) / 2 = 11/14.
    DatasetMetrics counted = DatasetMetrics.of(List.of(scored,
        SegmentationMetrics.monai().fromProbabilities(empty, empty)));
    assertThat(counted.dice().mean()).isCloseTo(11.0 / 14, within(EPS));
    assertThat(counted.dice().cases()).isEqualTo(2);
    assertThat(counted.dice().skipped()).isZero();
  }

  @Test
  void oneSideEmptyScoresZeroAndInfiniteDistance() {
    INDArray empty = Nd4j.zeros(DataType.DOUBLE, 4, 4);
    for (EmptyPolicy policy : EmptyPolicy.values()) {
      SegmentationMetrics metrics = SegmentationMetrics.monai().withEmptyPolicy(policy);
      assertThat(metrics.fromProbabilities(empty, grid(TRUTH)))
          .as("missed structure, %s", policy)
          .isEqualTo(new CaseMetrics(0, 0, Double.POSITIVE_INFINITY));
      assertThat(metrics.fromProbabilities(grid(PROBABILITIES), empty))
          .as("false positive on an empty truth, %s", policy)
          .isEqualTo(new CaseMetrics(0, 0, Double.POSITIVE_INFINITY));
    }
  }

  @Test
  void probabilityExactlyAtTheThresholdIsBackground() {
    // Truth [1, 1]; prediction 0.5 (background, strict >) and nextUp(0.5) (foreground).
    // I = 1, |P| = 1, |G| = 2 -> Dice 2/3, IoU 1/2.
    double[] p = {0.5, Math.nextUp(0.5)};
    boolean[] truth = {true, true};
    CaseMetrics m = SegmentationMetrics.monai().fromProbabilities(p, truth, 1, 2);
    assertThat(m.dice()).isCloseTo(2.0 / 3, within(EPS));
    assertThat(m.iou()).isCloseTo(1.0 / 2, within(EPS));
    // Logit 0 is probability 0.5: background as well.
    assertThat(SegmentationMetrics.monai().fromLogits(new double[] {0, 1e-9}, truth, 1, 2)).isEqualTo(m);
    // At threshold 0.4 both are foreground.
    assertThat(SegmentationMetrics.monai().withThreshold(0.4).fromProbabilities(p, truth, 1, 2).dice())
        .isEqualTo(1.0);
  }

  @Test
  void logitsGiveTheSameAsTheirSigmoid() {
    Random random = new Random(7);
    int h = 16;
    int w = 12;
    double[] logits = new double[h * w];
    double[] probabilities = new double[h * w];
    boolean[] truth = new boolean[h * w];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = random.nextGaussian() * 3;
      probabilities[i] = 1 / (1 + Math.exp(-logits[i]));
      truth[i] = random.nextDouble() < 0.4;
    }
    for (SegmentationMetrics metrics : List.of(SegmentationMetrics.monai(), SegmentationMetrics.medSaPaper(),
        SegmentationMetrics.monai().withThreshold(0.3))) {
      CaseMetrics fromProbabilities = metrics.fromProbabilities(probabilities, truth, h, w);
      assertThat(metrics.fromLogits(logits, truth, h, w)).isEqualTo(fromProbabilities);
      INDArray logitArray = Nd4j.create(logits, new long[] {h, w}, DataType.DOUBLE);
      double[] truthValues = new double[truth.length];
      for (int i = 0; i < truth.length; i++) {
        truthValues[i] = truth[i] ? 1 : 0;
      }
      INDArray truthArray = Nd4j.create(truthValues, new long[] {h, w}, DataType.DOUBLE);
      assertThat(metrics.fromLogits(logitArray, truthArray)).isEqualTo(fromProbabilities);
    }
  }

  @Test
  void medSaPaperProtocolAveragesFiveThresholds() {
    // Probabilities [0.95, 0.6, 0.2, 0.05], truth [1, 1, 1, 0] (|G| = 3 at every threshold).
    //   th 0.1: P = {0,1,2}, I = 3: Dice (6+e)/(6+e) = 1, IoU (3+d)/(3+d) = 1
    //   th 0.3, 0.5: P = {0,1}, I = 2: Dice (4+e)/(5+e), IoU (2+d)/(3+d)
    //   th 0.7, 0.9: P = {0}, I = 1: Dice (2+e)/(4+e), IoU (1+d)/(3+d)
    // with e = 1e-4, d = 1e-6. Mean Dice ~ 0.72 while the 0.5 threshold alone gives 0.8.
    double e = 1e-4;
    double d = 1e-6;
    double expectedDice = (1 + 2 * (4 + e) / (5 + e) + 2 * (2 + e) / (4 + e)) / 5;
    double expectedIou = (1 + 2 * (2 + d) / (3 + d) + 2 * (1 + d) / (3 + d)) / 5;
    double[] p = {0.95, 0.6, 0.2, 0.05};
    boolean[] truth = {true, true, true, false};

    CaseMetrics paper = SegmentationMetrics.medSaPaper().fromProbabilities(p, truth, 1, 4);
    assertThat(paper.dice()).isCloseTo(expectedDice, within(EPS));
    assertThat(paper.iou()).isCloseTo(expectedIou, within(EPS));
    assertThat(paper.dice()).isCloseTo(0.72, within(1e-3));

    CaseMetrics monai = SegmentationMetrics.monai().fromProbabilities(p, truth, 1, 4);
    assertThat(monai.dice()).isCloseTo(0.8, within(EPS));
    assertThat(monai.iou()).isCloseTo(2.0 / 3, within(EPS));
    // HD95 does not depend on the protocol.
    assertThat(paper.hd95()).isEqualTo(monai.hd95());
  }

  @Test
  void medSaPaperScoresBothEmptyAsOneWhateverThePolicy() {
    double[] p = {0.05, 0.1, 0.0};
    boolean[] truth = new boolean[3];
    CaseMetrics m = SegmentationMetrics.medSaPaper().withEmptyPolicy(EmptyPolicy.NAN).fromProbabilities(p, truth, 3);
    assertThat(m.dice()).isEqualTo(1.0);
    assertThat(m.iou()).isEqualTo(1.0);
    assertThat(m.hd95()).isNaN();
  }

  @Test
  void hd95OfTwoPixelsIsTheirDistance() {
    // (0,0) and (3,4): sqrt(9 + 16) = 5 with unit spacing.
    boolean[] a = new boolean[5 * 5];
    boolean[] b = new boolean[5 * 5];
    a[0] = true;
    b[3 * 5 + 4] = true;
    assertThat(SegmentationMetrics.monai().fromMasks(a, b, 5, 5).hd95()).isCloseTo(5, within(EPS));
    // Spacing (2, 1): rows are 2 units apart -> sqrt(6^2 + 4^2) = sqrt(52).
    assertThat(SegmentationMetrics.monai().withSpacing(2, 1).fromMasks(a, b, 5, 5).hd95())
        .isCloseTo(Math.sqrt(52), within(EPS));
  }

  @Test
  void hd95OfSquaresOffsetByKPixelsIsK() {
    // 10x10 squares, the second shifted right by 3. A's left column (10 edge pixels) and the two outer pixels
    // of its top and bottom rows (4 more) lie 3 from B's nearest edge: 14 of 36 edge distances are 3, the rest
    // smaller, so the 95th percentile is 3 (and symmetrically for B).
    int h = 20;
    int w = 30;
    boolean[] a = new boolean[h * w];
    boolean[] b = new boolean[h * w];
    for (int r = 5; r < 15; r++) {
      for (int c = 5; c < 15; c++) {
        a[r * w + c] = true;
        b[r * w + c + 3] = true;
      }
    }
    assertThat(SegmentationMetrics.monai().fromMasks(a, b, h, w).hd95()).isCloseTo(3, within(EPS));
    // With columns 0.5 apart the same shift is 1.5 units.
    assertThat(SegmentationMetrics.monai().withSpacing(1, 0.5).fromMasks(a, b, h, w).hd95())
        .isCloseTo(1.5, within(EPS));
  }

  @Test
  void hd95InThreeDimensions() {
    // Single voxels (0,0,0) and (2,3,6) in [3, 4, 7]: sqrt(4 + 9 + 36) = 7; spacing (2.5, 1, 1): sqrt(25+9+36).
    int[] shape = {3, 4, 7};
    boolean[] a = new boolean[3 * 4 * 7];
    boolean[] b = new boolean[3 * 4 * 7];
    a[0] = true;
    b[(2 * 4 + 3) * 7 + 6] = true;
    assertThat(SegmentationMetrics.monai().fromMasks(a, b, shape).hd95()).isCloseTo(7, within(EPS));
    assertThat(SegmentationMetrics.monai().withSpacing(2.5, 1, 1).fromMasks(a, b, shape).hd95())
        .isCloseTo(Math.sqrt(70), within(EPS));

    // 4x4x4 cubes, the second two slices deeper, slices 2.5 apart. A's first face (16 of its 56 edge voxels)
    // is 2 slices = 5 from B's nearest edge; every other A edge voxel is 2.5 or 0. 16/56 > 5% -> HD95 = 5.
    INDArray cubeA = Nd4j.zeros(DataType.DOUBLE, 8, 6, 6);
    INDArray cubeB = Nd4j.zeros(DataType.DOUBLE, 8, 6, 6);
    for (int z = 0; z < 4; z++) {
      for (int y = 1; y < 5; y++) {
        for (int x = 1; x < 5; x++) {
          cubeA.putScalar(new long[] {z + 1, y, x}, 1);
          cubeB.putScalar(new long[] {z + 3, y, x}, 1);
        }
      }
    }
    CaseMetrics m = SegmentationMetrics.monai().withSpacing(2.5, 1, 1).fromProbabilities(cubeA, cubeB);
    assertThat(m.hd95()).isCloseTo(5, within(EPS));
    // Overlap: 2 shared slices of 16 -> I = 32, |P| = |G| = 64: Dice 1/2, IoU 32/96 = 1/3.
    assertThat(m.dice()).isCloseTo(0.5, within(EPS));
    assertThat(m.iou()).isCloseTo(1.0 / 3, within(EPS));
  }

  @Test
  void shapeMismatchNamesBothShapes() {
    assertThatThrownBy(() -> SegmentationMetrics.monai()
        .fromProbabilities(Nd4j.zeros(DataType.DOUBLE, 4, 4), Nd4j.zeros(DataType.DOUBLE, 4, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[4, 4]")
        .hasMessageContaining("[4, 5]");
    assertThatThrownBy(() -> SegmentationMetrics.monai().fromMasks(new boolean[6], new boolean[5], 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("6")
        .hasMessageContaining("5")
        .hasMessageContaining("[2, 3]");
  }

  @Test
  void nanPredictionNamesItsPosition() {
    INDArray p = Nd4j.zeros(DataType.DOUBLE, 3, 4);
    p.putScalar(new long[] {1, 2}, Double.NaN);
    INDArray truth = Nd4j.zeros(DataType.DOUBLE, 3, 4);
    assertThatThrownBy(() -> SegmentationMetrics.monai().fromProbabilities(p, truth))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN")
        .hasMessageContaining("[1, 2]");
    assertThatThrownBy(() -> SegmentationMetrics.monai().fromLogits(p, truth))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1, 2]");
  }

  @Test
  void nonBinaryTruthAndLogitsPassedAsProbabilitiesAreRefused() {
    INDArray p = Nd4j.zeros(DataType.DOUBLE, 2, 2);
    INDArray truth = Nd4j.zeros(DataType.DOUBLE, 2, 2);
    truth.putScalar(new long[] {0, 1}, 255);
    assertThatThrownBy(() -> SegmentationMetrics.monai().fromProbabilities(p, truth))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("255")
        .hasMessageContaining("[0, 1]");

    INDArray logits = Nd4j.zeros(DataType.DOUBLE, 2, 2);
    logits.putScalar(new long[] {1, 0}, 3.5);
    assertThatThrownBy(() -> SegmentationMetrics.monai().fromProbabilities(logits, Nd4j.zeros(DataType.DOUBLE, 2, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1, 0]")
        .hasMessageContaining("fromLogits");
  }

  @Test
  void spacingMustMatchTheRankAndConfigurationIsChecked() {
    assertThatThrownBy(() -> SegmentationMetrics.monai().withSpacing(1, 1, 1)
        .fromMasks(new boolean[4], new boolean[4], 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 values")
        .hasMessageContaining("2 axes");
    assertThatThrownBy(() -> SegmentationMetrics.monai().withSpacing(1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SegmentationMetrics.monai().withThreshold(1.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SegmentationMetrics.monai().withThreshold(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void viewsAndFortranOrderAreReadInLogicalOrder() {
    // A transposed view of the probabilities must score like the transposed truth.
    INDArray p = grid(PROBABILITIES).transpose();
    INDArray g = grid(TRUTH).transpose().dup('f');
    CaseMetrics m = SegmentationMetrics.monai().fromProbabilities(p, g);
    assertThat(m.dice()).isCloseTo(4.0 / 7, within(EPS));
    assertThat(m.hd95()).isCloseTo(0.9 * Math.sqrt(2), within(EPS));
  }
}
