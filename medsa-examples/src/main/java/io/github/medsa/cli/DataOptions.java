package io.github.medsa.cli;

import io.github.medsa.training.data.FilePairing;
import io.github.medsa.training.data.MaskRule;
import io.github.medsa.training.data.Sample;
import io.github.medsa.training.data.SegmentationDataset;
import io.github.medsa.volume.Axis;
import io.github.medsa.volume.IntensityWindow;
import io.github.medsa.volume.SliceView;
import io.github.medsa.volume.Volume;
import io.github.medsa.volume.VolumeChecks;
import io.github.medsa.training.data.BinaryMask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Labelled data for {@code train} and {@code evaluate}: PNG (or any ImageIO) pairs in folders, or a NIfTI/DICOM
 * image volume with its label volume, sliced along an axis. Masks are binarised by {@code --labels} or
 * {@code --threshold} (default: any non-zero value).
 */
public final class DataOptions {
  @Option(names = "--images", paramLabel = "DIR", description = "Folder of images (paired with --masks by file name).")
  public Path images;

  @Option(names = "--masks", paramLabel = "DIR", description = "Folder of masks (may equal --images with --pair-prefix).")
  public Path masks;

  @Option(names = "--pair-prefix", paramLabel = "IMG,MASK",
      description = "Pair img_X.png with lab_X.png: the two name prefixes, e.g. img_,lab_.")
  public String pairPrefix;

  @Option(names = "--image-volume", paramLabel = "FILE", description = "NIfTI image (.nii, .nii.gz) or DICOM folder.")
  public Path imageVolume;

  @Option(names = "--label-volume", paramLabel = "FILE", description = "NIfTI label map on the image's grid.")
  public Path labelVolume;

  @Option(names = "--labels", split = ",", paramLabel = "L", description = "Label values of the structure, e.g. 77,78.")
  public List<Integer> labels;

  @Option(names = "--threshold", description = "Mask pixels >= this value are the structure (instead of --labels).")
  public Integer threshold;

  @Option(names = "--axis", defaultValue = "axial", description = "Slicing axis of volumes: axial, coronal, sagittal "
      + "(default: ${DEFAULT-VALUE}).")
  public String axis;

  @Option(names = "--window", defaultValue = "mri", paramLabel = "ct:LEVEL,WIDTH|mri",
      description = "Intensity window of volumes (default: ${DEFAULT-VALUE}, percentiles 0.5-99.5).")
  public String window;

  @Option(names = "--min-pixels", defaultValue = "1",
      description = "Volume slices with fewer structure pixels are left out (default: ${DEFAULT-VALUE}).")
  public int minPixels;

  public boolean isVolume() {
    if (imageVolume != null || labelVolume != null) {
      if (imageVolume == null || labelVolume == null) {
        throw new UserInputException("give both --image-volume and --label-volume");
      }
      if (images != null || masks != null) {
        throw new UserInputException("give either --images/--masks or --image-volume/--label-volume, not both");
      }
      return true;
    }
    if (images == null || masks == null) {
      throw new UserInputException("give --images DIR and --masks DIR (or --image-volume and --label-volume)");
    }
    return false;
  }

  public MaskRule maskRule() {
    if (labels != null && threshold != null) {
      throw new UserInputException("give --labels or --threshold, not both");
    }
    if (labels != null) {
      return MaskRule.labels(labels.stream().mapToInt(Integer::intValue).toArray());
    }
    return threshold != null ? MaskRule.threshold(threshold) : MaskRule.nonZero();
  }

  public FilePairing pairing() {
    if (pairPrefix == null) {
      return FilePairing.sameName();
    }
    String[] p = pairPrefix.split(",", -1);
    if (p.length != 2 || p[0].isEmpty() || p[1].isEmpty() || p[0].equals(p[1])) {
      throw new UserInputException("--pair-prefix '" + pairPrefix + "': expected two different prefixes IMG,MASK");
    }
    return FilePairing.byStem(p[0], p[1]);
  }

  /** The 2D pairs from the folders. */
  public SegmentationDataset folders() throws IOException {
    requireDirectory(images, "--images");
    requireDirectory(masks, "--masks");
    MaskRule rule = maskRule();
    FilePairing pairing = pairing();
    SegmentationDataset d = UserInputException.reading("--images/--masks", images,
        () -> SegmentationDataset.fromFolders(images, masks, rule, pairing));
    if (d.size() == 0) {
      throw new UserInputException("no image/mask pairs in " + images + " and " + masks);
    }
    return d;
  }

  /** The label values that make the structure in volumes (from --labels; --threshold is for 2D masks). */
  public Set<Integer> volumeLabels() {
    if (labels == null || labels.isEmpty()) {
      throw new UserInputException("volumes need --labels (the label values of the structure)");
    }
    return new LinkedHashSet<>(labels);
  }

  public Volume readImageVolume() throws IOException {
    return UserInputException.reading("--image-volume", imageVolume, () -> Volumes.read(imageVolume));
  }

  public Volume readLabelVolume(Volume image) throws IOException {
    Volume label = UserInputException.reading("--label-volume", labelVolume, () -> {
      Volume l = Volumes.read(labelVolume);
      VolumeChecks.requireSameGeometry(image, l);
      return l;
    });
    Set<Integer> present = Volumes.labelValues(label);
    for (int l : volumeLabels()) {
      if (!present.contains(l)) {
        throw new UserInputException("label " + l + " does not occur in " + labelVolume + " (it holds "
            + Volumes.describe(present) + ")");
      }
    }
    return label;
  }

  /** Every slice of the pair where the structure covers at least {@code --min-pixels} pixels, as 2D samples. */
  public List<Sample> volumeSlices() throws IOException {
    Volume image = readImageVolume();
    Volume label = readLabelVolume(image);
    Set<Integer> structure = volumeLabels();
    SliceView view = SliceView.of(image.geometry(), Volumes.axis(axis));
    double[] range = Volumes.window(window).range(image);
    List<Sample> out = new ArrayList<>();
    for (int s = 0; s < view.count(); s++) {
      float[] v = view.slice(label, s);
      int[] ints = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        ints[i] = (int) v[i];
      }
      BinaryMask m = BinaryMask.fromLabels(ints, view.height(), view.width(), structure::contains);
      if (m.count() >= Math.max(1, minPixels)) {
        out.add(new Sample("slice_" + s, view.image(image, s, range), m));
      }
    }
    if (out.isEmpty()) {
      throw new UserInputException("no slice of " + labelVolume + " contains labels " + structure);
    }
    return out;
  }

  static void requireDirectory(Path dir, String what) {
    if (!Files.isDirectory(dir)) {
      throw new UserInputException(what + " " + dir + " does not exist or is not a folder");
    }
  }

  static Axis parseAxis(String s) {
    return Volumes.axis(s);
  }

  static IntensityWindow parseWindow(String s) {
    return Volumes.window(s);
  }
}
