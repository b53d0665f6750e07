package io.github.medsa.sdtrans;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.SamConfig;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.extension.DecoderBlockExtension;
import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.extension.ModelExtension;
import io.github.medsa.extension.Scope;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Space-Depth Transpose (SD-Trans): Med-SA's way to bring 2D SAM to volumes. The encoder sees a batch of
 * {@code B x D} slices ordered (volume, slice), slice fastest. In every adapted block the block's own attention
 * also runs across the D slices at each spatial position of the full grid, followed by a {@code Depth_Adapter},
 * and the result is added to the spatial branch: {@code x + Space_Adapter(attn(n1)) + depth(n1)}.
 *
 * <p>The depth sequence is laid out as a {@code 1 x D} grid, so the relative-position tables are resized to 1 and
 * {@code 2D - 1} rows by the same rule as elsewhere. This is MedSA-J's decision (our spec): per spatial position,
 * unwindowed, not the official code's windows-mixed grouping nor its {@code closest_numbers} layout, which never
 * terminates for D = 1. D = 1 works (the depth attention then sees one token).
 */
public final class SdTrans implements ModelExtension {
  private final Adapters adapters;
  private final int slices;

  private SdTrans(Adapters adapters, int slices) {
    checkArgument(slices >= 1, "slices per volume must be at least 1, got %s", slices);
    this.adapters = adapters;
    this.slices = slices;
  }

  /**
   * Med-SA with SD-Trans over chunks of {@code slices} consecutive slices.
   *
   * @param adapters the Med-SA adapters of each encoder block (SD-Trans adds its depth branch to them)
   * @param slices D, the number of consecutive slices an encoder batch group holds, at least 1
   * @return the extension to pass to {@code MedSA.builder().adapters(...)}
   * @throws IllegalArgumentException if {@code slices} is less than 1
   */
  public static SdTrans of(Adapters adapters, int slices) {
    return new SdTrans(adapters, slices);
  }

  /**
   * {@return D, the number of consecutive slices the depth attention spans (the encoder's batch multiple)}
   */
  public int slices() {
    return slices;
  }

  /**
   * {@return the Med-SA adapters this extension builds on}
   */
  public Adapters adapters() {
    return adapters;
  }

  @Override
  public int batchMultiple() {
    return slices;
  }

  @Override
  public EncoderBlockExtension encoder(SamConfig cfg) {
    EncoderBlockExtension spatial = adapters.encoder(cfg);
    int dim = cfg.encoderEmbedDim();
    int g = cfg.gridSize();
    return new EncoderBlockExtension() {
      @Override
      public SDVariable attentionResidual(Scope block, int index, SDVariable attnOut, SDVariable n1,
          BlockAttention attention) {
        SDVariable residual = spatial.attentionResidual(block, index, attnOut, n1, attention);
        if (!adapters.adaptsBlock(index)) {
          return residual;
        }
        return residual.add(depthBranch(block, n1, attention, dim, g));
      }

      @Override
      public SDVariable mlpResidual(Scope block, int index, SDVariable mlpOut, SDVariable n2) {
        return spatial.mlpResidual(block, index, mlpOut, n2);
      }
    };
  }

  /** {@code (b d) h w c -> (b h w) 1 d c}, attention, Depth_Adapter, and back, on token rows. */
  private SDVariable depthBranch(Scope block, SDVariable n1, EncoderBlockExtension.BlockAttention attention, int dim,
      int g) {
    SDVariable sequences = n1.reshape(-1, slices, g, g, dim).permute(0, 2, 3, 1, 4).reshape(-1, 1, slices, dim);
    SDVariable attended = attention.apply(sequences, 1, slices);
    SDVariable adapted = adapters.bottleneck(block.child("Depth_Adapter"), attended, dim);
    return adapted.reshape(-1, g, g, slices, dim).permute(0, 3, 1, 2, 4).reshape(-1, dim);
  }

  @Override
  public DecoderBlockExtension decoder(SamConfig cfg) {
    return adapters.decoder(cfg);
  }

  @Override
  public boolean owns(String name) {
    return adapters.owns(name);
  }

  @Override
  public INDArray initialValue(String name, Map<String, long[]> shapes, Random rng) {
    return adapters.initialValue(name, shapes, rng);
  }

  @Override
  public String toString() {
    return "SdTrans{" + slices + " slices, " + adapters + "}";
  }
}
