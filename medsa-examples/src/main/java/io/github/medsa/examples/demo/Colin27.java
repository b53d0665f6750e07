package io.github.medsa.examples.demo;

import io.github.medsa.cli.UserInputException;
import io.github.medsa.image.RgbImage;
import io.github.medsa.training.data.BinaryMask;
import io.github.medsa.training.data.Sample;
import io.github.medsa.volume.Axis;
import io.github.medsa.volume.IntensityWindow;
import io.github.medsa.volume.SliceView;
import io.github.medsa.volume.Volume;
import io.github.medsa.volume.nifti.NiftiReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The bundled Colin27 T1 MRI with the AAL atlas as 2D axial slices (displayed as {@code np.rot90}, anterior up):
 * grey images through the MRI percentile window, and binary masks of chosen AAL labels.
 */
public final class Colin27 {
  private final Volume image;
  private final Volume labels;
  private final SliceView view;
  private final double[] range;
  private final RgbImage[] images;

  private Colin27(Volume image, Volume labels) {
    if (!image.geometry().sameAs(labels.geometry())) {
      throw new UserInputException(image.source() + " and " + labels.source() + " lie on different grids");
    }
    this.image = image;
    this.labels = labels;
    this.view = SliceView.of(image.geometry(), Axis.AXIAL);
    this.range = IntensityWindow.mri().range(image);
    this.images = new RgbImage[view.count()];
  }

  /** Reads {@code ch2.nii.gz} and {@code aal.nii.gz} from {@code dir}. */
  public static Colin27 load(Path dir) throws IOException {
    Path ch2 = dir.resolve("ch2.nii.gz");
    Path aal = dir.resolve("aal.nii.gz");
    for (Path p : List.of(ch2, aal)) {
      if (!Files.isRegularFile(p)) {
        throw new UserInputException(p + " not found: give --data with the folder of ch2.nii.gz and aal.nii.gz");
      }
    }
    return new Colin27(NiftiReader.read(ch2).volume(), NiftiReader.read(aal).volume());
  }

  /** The folder of the bundled data: {@code data/colin27} here or in a parent folder (tests run in modules). */
  public static Path defaultDir() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path candidate = p.resolve("data/colin27");
      if (Files.isRegularFile(candidate.resolve("ch2.nii.gz"))) {
        return candidate;
      }
    }
    return here.resolve("data/colin27");
  }

  public int sliceCount() {
    return view.count();
  }

  public Volume image() {
    return image;
  }

  public RgbImage slice(int s) {
    if (images[s] == null) {
      images[s] = view.image(image, s, range);
    }
    return images[s];
  }

  public BinaryMask mask(int s, Set<Integer> structure) {
    float[] v = view.slice(labels, s);
    int[] ints = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      ints[i] = (int) v[i];
    }
    return BinaryMask.fromLabels(ints, view.height(), view.width(), structure::contains);
  }

  /**
   * One sample per axial slice accepted by {@code slices} where the structure covers at least {@code minPixels}
   * pixels; ids are {@code name#z}.
   */
  public List<Sample> samples(String name, Set<Integer> structure, IntPredicate slices, int minPixels) {
    List<Sample> out = new ArrayList<>();
    for (int s = 0; s < view.count(); s++) {
      if (!slices.test(s)) {
        continue;
      }
      BinaryMask m = mask(s, structure);
      if (m.count() >= minPixels) {
        out.add(new Sample(name + "#" + s, slice(s), m));
      }
    }
    return out;
  }
}
