package io.github.medsa.volume;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.Prediction;
import io.github.medsa.Prompt;
import io.github.medsa.image.RgbImage;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Segments a volume slice by slice with a 2D model, or in chunks of D consecutive slices with an SD-Trans model.
 * Slices become grey images through an {@link IntensityWindow}; each prompted slice is decoded with its part of
 * the {@link VolumePrompt}; probabilities return to the volume grid. Chunks overlap by {@code overlap} slices and
 * overlapping probabilities are averaged; the last chunk is padded by repeating the last slice and the padding's
 * outputs are discarded. Slices no prompt reaches get probability 0.
 *
 * <p>Borrows the model (the caller closes it) and frees each chunk's image embeddings as soon as the chunk is
 * decoded.
 */
public final class VolumeSegmenter {
  private final MedSA model;
  private final IntensityWindow window;
  private final Axis axis;
  private final int chunk;
  private final int overlap;

  /**
   * A segmenter over a borrowed model.
   *
   * @param model the 2D or SD-Trans model (the caller closes it)
   * @param window how voxel values become grey levels
   * @param axis the slicing axis
   * @param overlap slices shared by consecutive chunks, in {@code 0..D-1} (0 for a 2D model)
   * @throws IllegalArgumentException if {@code overlap} is out of range
   */
  public VolumeSegmenter(MedSA model, IntensityWindow window, Axis axis, int overlap) {
    this.model = model;
    this.window = window;
    this.axis = axis;
    this.chunk = model.extension().batchMultiple();
    checkArgument(overlap >= 0 && overlap < chunk || overlap == 0, "overlap must be in 0..%s, got %s", chunk - 1,
        overlap);
    this.overlap = overlap;
  }

  /**
   * Axial slices, no overlap.
   *
   * @param model the model (the caller closes it)
   * @param window how voxel values become grey levels
   * @return the segmenter
   */
  public static VolumeSegmenter of(MedSA model, IntensityWindow window) {
    return new VolumeSegmenter(model, window, Axis.AXIAL, 0);
  }

  /**
   * Probabilities and the mask at probability &gt; 0.5, both on the image's grid with its geometry.
   *
   * @param probabilities foreground probability per voxel, 0 on slices no prompt reaches
   * @param mask 1 where the probability is above 0.5, else 0
   * @param promptedSlices the number of slices a prompt reached
   */
  public record Result(Volume probabilities, Volume mask, int promptedSlices) {}

  /**
   * Segments {@code image} with {@code prompt} (voxel coordinates of the image's grid).
   *
   * @param image the volume
   * @param prompt the box and clicks
   * @return probabilities and mask on the image's grid
   * @throws IllegalArgumentException if the prompt lies outside the image's grid
   */
  public Result segment(Volume image, VolumePrompt prompt) {
    VolumeChecks.requireFinite(image);
    Geometry g = image.geometry();
    prompt.checkInside(g);
    SliceView view = SliceView.of(g, axis);
    double[] range = window.range(image);
    Prompt[] perSlice = slicePrompts(view, prompt);

    float[] sum = new float[(int) g.voxelCount()];
    float[] count = new float[sum.length];
    int stride = chunk - overlap;
    int prompted = 0;
    for (int start = 0; start < view.count(); start += stride) {
      if (!anyPrompt(perSlice, start, Math.min(start + chunk, view.count()))) {
        if (start + chunk >= view.count()) {
          break;
        }
        continue;
      }
      List<RgbImage> images = new ArrayList<>();
      for (int s = start; s < start + chunk; s++) {
        images.add(view.image(image, Math.min(s, view.count() - 1), range)); // end padding repeats the last slice
      }
      List<EncodedImage> encoded = model.encodeAll(images);
      try {
        for (int s = start; s < Math.min(start + chunk, view.count()); s++) {
          if (perSlice[s] == null) {
            continue;
          }
          float[] logits;
          try (Prediction p = encoded.get(s - start).predict(perSlice[s]);
              INDArray copy = p.logits().castTo(DataType.FLOAT).dup('c')) {
            logits = copy.data().asFloat(); // the slice's masks are freed now, not by the collector
          }
          float[] probs = new float[logits.length];
          for (int i = 0; i < logits.length; i++) {
            probs[i] = (float) (1.0 / (1.0 + Math.exp(-logits[i])));
          }
          float[] ones = new float[probs.length];
          java.util.Arrays.fill(ones, 1f);
          view.add(sum, s, probs);
          view.add(count, s, ones);
        }
      } finally {
        encoded.forEach(EncodedImage::close); // the chunk's embeddings are freed now, not by the collector
      }
      if (start + chunk >= view.count()) {
        break;
      }
    }
    float[] prob = new float[sum.length];
    float[] mask = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      prob[i] = count[i] > 0 ? sum[i] / count[i] : 0f;
      mask[i] = prob[i] > 0.5f ? 1f : 0f;
    }
    for (Prompt p : perSlice) {
      prompted += p == null ? 0 : 1;
    }
    return new Result(image.withData(prob, image.source() + " (probabilities)"),
        image.withData(mask, image.source() + " (mask)"), prompted);
  }

  private static boolean anyPrompt(Prompt[] perSlice, int from, int to) {
    for (int s = from; s < to; s++) {
      if (perSlice[s] != null) {
        return true;
      }
    }
    return false;
  }

  /** The 2D prompt of every slice: the box's projection where it spans, plus the clicks on that slice. */
  static Prompt[] slicePrompts(SliceView view, VolumePrompt prompt) {
    Prompt.Builder[] builders = new Prompt.Builder[view.count()];
    double[] box = prompt.box();
    if (box != null) {
      double[] a = view.toPixel(box[0], box[1], box[2]);
      double[] b = view.toPixel(box[3], box[4], box[5]);
      int s0 = (int) Math.round(Math.min(a[0], b[0]));
      int s1 = (int) Math.round(Math.max(a[0], b[0]));
      for (int s = s0; s <= s1; s++) {
        builders[s] = Prompt.builder().multimask(false).box(Math.min(a[1], b[1]), Math.min(a[2], b[2]),
            Math.max(a[1], b[1]), Math.max(a[2], b[2]));
      }
    }
    for (VolumePrompt.Click c : prompt.clicks()) {
      double[] p = view.toPixel(c.x(), c.y(), c.z());
      int s = (int) Math.round(p[0]);
      if (builders[s] == null) {
        builders[s] = Prompt.builder().multimask(false);
      }
      builders[s].point(p[1], p[2], c.label());
    }
    Prompt[] out = new Prompt[builders.length];
    for (int s = 0; s < out.length; s++) {
      out[s] = builders[s] == null ? null : builders[s].build();
    }
    return out;
  }
}
