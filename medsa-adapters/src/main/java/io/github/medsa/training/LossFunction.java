package io.github.medsa.training;

import static com.google.common.base.Preconditions.checkArgument;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The training loss on mask logits {@code [B, C, H, W]} against binary targets of the same shape: a weighted
 * sum of BCE-with-logits (with {@code pos_weight}, mean over every pixel) and MONAI's soft Dice with squared
 * denominators ({@code sigmoid}, {@code squared_pred}, smooth 1e-5 in numerator and denominator, per sample and
 * channel, then the mean). Written from primitives: SameDiff's sigmoid cross-entropy has a wrong gradient.
 */
public record LossFunction(double bceWeight, double posWeight, double diceWeight) {
  static final double DICE_SMOOTH = 1e-5;

  /**
   * Validates the weights.
   *
   * @param bceWeight weight of the BCE term, non-negative
   * @param posWeight BCE's {@code pos_weight}, positive
   * @param diceWeight weight of the Dice term, non-negative
   * @throws IllegalArgumentException if a weight is negative, both weights are zero or posWeight is not positive
   */
  public LossFunction {
    checkArgument(bceWeight >= 0 && diceWeight >= 0 && bceWeight + diceWeight > 0,
        "loss weights must be non-negative and not both zero, got BCE %s, Dice %s", bceWeight, diceWeight);
    checkArgument(posWeight > 0, "pos_weight must be positive, got %s", posWeight);
  }

  /**
   * {@code BCEWithLogitsLoss(pos_weight)}: Med-SA's 2D loss with pos_weight 2.
   *
   * @param posWeight the weight of positive pixels, positive
   * @return BCE alone
   * @throws IllegalArgumentException if {@code posWeight} is not positive
   */
  public static LossFunction bce(double posWeight) {
    return new LossFunction(1, posWeight, 0);
  }

  /**
   * Soft Dice + BCE (MONAI {@code DiceCELoss(sigmoid=True, squared_pred=True)}): Med-SA's 3D loss.
   *
   * @return Dice and BCE with weight 1 each, pos_weight 1
   */
  public static LossFunction diceBce() {
    return new LossFunction(1, 1, 1);
  }

  /**
   * The scalar loss.
   *
   * @param logits mask logits {@code [B, C, H, W]}
   * @param target binary targets (0 or 1) of the same shape
   * @return the scalar loss variable in the logits' graph
   */
  public SDVariable build(SDVariable logits, SDVariable target) {
    SameDiff sd = logits.getSameDiff();
    SDVariable loss = null;
    if (bceWeight > 0) {
      loss = bce(sd, logits, target).mul(bceWeight);
    }
    if (diceWeight > 0) {
      SDVariable dice = dice(sd, logits, target).mul(diceWeight);
      loss = loss == null ? dice : loss.add(dice);
    }
    return loss;
  }

  /** {@code (1 - y) x + (1 + (pw - 1) y) (log(1 + exp(-|x|)) + max(-x, 0))}, PyTorch's stable form. */
  private SDVariable bce(SameDiff sd, SDVariable x, SDVariable y) {
    SDVariable softplusNeg = sd.math.log1p(sd.math.exp(sd.math.abs(x).neg())).add(sd.nn.relu(x.neg(), 0.0));
    SDVariable weight = y.mul(posWeight - 1).add(1.0);
    return sd.mean(y.rsub(1.0).mul(x).add(weight.mul(softplusNeg)));
  }

  private static SDVariable dice(SameDiff sd, SDVariable x, SDVariable y) {
    SDVariable p = sd.nn.sigmoid(x);
    SDVariable intersection = sd.sum(p.mul(y), 2, 3);
    SDVariable denominator = sd.sum(p.mul(p), 2, 3).add(sd.sum(y.mul(y), 2, 3));
    SDVariable score = intersection.mul(2.0).add(DICE_SMOOTH).div(denominator.add(DICE_SMOOTH));
    return sd.mean(score.rsub(1.0));
  }
}
