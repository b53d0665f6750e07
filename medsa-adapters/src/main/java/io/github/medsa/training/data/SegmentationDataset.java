package io.github.medsa.training.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import io.github.medsa.image.RgbImage;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * An immutable, ordered list of {@link Sample}s for 2D training.
 *
 * <p>{@link #fromFolders} reads image/mask file pairs (PNG or anything {@link ImageIO} decodes):
 * <ul>
 *   <li>images: 8- or 16-bit grey (replicated to RGB, 16-bit as {@code >> 8}) or colour, via
 *       {@link RgbImage#of(BufferedImage)};</li>
 *   <li>masks: single-channel 8- or 16-bit grey only; the raw raster samples (never {@code getRGB}, which would
 *       gamma-convert grey) go through the {@link MaskRule};</li>
 *   <li>order: sorted by image file name; hidden files (name starting with {@code .}) and sub-folders are
 *       ignored; any other file that is not an image (resp. mask) of the {@link FilePairing} is an error, as are
 *       an image without its mask, a mask without its image, an empty images folder, an unreadable or
 *       unsupported file and an image whose size differs from its mask's. All are {@link IOException}s naming
 *       the files (and both sizes, height x width).</li>
 * </ul>
 */
public final class SegmentationDataset {
  private final ImmutableList<Sample> samples;

  private SegmentationDataset(List<Sample> samples) {
    this.samples = ImmutableList.copyOf(samples);
  }

  /**
   * The given samples, in order (may be empty).
   *
   * @param samples the samples, copied
   * @return the dataset
   * @throws NullPointerException if {@code samples} is null
   */
  public static SegmentationDataset fromMemory(List<Sample> samples) {
    checkNotNull(samples, "samples");
    return new SegmentationDataset(samples);
  }

  /**
   * Images and masks of the same file name in two folders ({@link FilePairing#sameName()}).
   *
   * @param images the images folder
   * @param masks the masks folder
   * @param rule which mask values are foreground
   * @return the samples, sorted by image file name
   * @throws IOException naming the file, if a folder is missing, a file is unpaired or unreadable, or an image
   *     and its mask differ in size
   */
  public static SegmentationDataset fromFolders(Path images, Path masks, MaskRule rule) throws IOException {
    return fromFolders(images, masks, rule, FilePairing.sameName());
  }

  /**
   * Reads every image of {@code images} with its mask from {@code masks} (which may be the same folder when the
   * pairing tells images and masks apart, e.g. {@code byStem("img_", "lab_")}).
   *
   * @param images the images folder
   * @param masks the masks folder
   * @param rule which mask values are foreground
   * @param pairing how image and mask file names correspond
   * @return the samples, sorted by image file name
   * @throws IOException naming the file, if a folder is missing, a file is unpaired or unreadable, or an image
   *     and its mask differ in size
   * @throws NullPointerException if an argument is null
   */
  public static SegmentationDataset fromFolders(Path images, Path masks, MaskRule rule, FilePairing pairing)
      throws IOException {
    checkNotNull(images, "images");
    checkNotNull(masks, "masks");
    checkNotNull(rule, "rule");
    checkNotNull(pairing, "pairing");
    requireDirectory(images, "images");
    requireDirectory(masks, "masks");
    boolean shared = Files.isSameFile(images, masks);
    if (shared && !pairing.allowsSharedFolder()) {
      throw new IOException("images and masks are the same folder " + images + " but " + pairing
          + " cannot tell them apart; use FilePairing.byStem(imagePrefix, maskPrefix)");
    }
    Map<String, String> imageToMask = new LinkedHashMap<>();
    for (String name : listFiles(images)) {
      if (shared && pairing.isMask(name)) {
        continue;
      }
      Optional<String> mask = pairing.maskName(name);
      if (mask.isEmpty()) {
        throw new IOException("file " + images.resolve(name) + " is not an image of " + pairing);
      }
      imageToMask.put(name, mask.get());
    }
    if (imageToMask.isEmpty()) {
      throw new IOException("no images in " + images + " (" + pairing + ")");
    }
    Set<String> maskNames = new TreeSet<>();
    for (String name : listFiles(masks)) {
      if (pairing.isMask(name)) {
        maskNames.add(name);
      } else if (!(shared && pairing.maskName(name).isPresent())) {
        throw new IOException("file " + masks.resolve(name) + " is not a mask of " + pairing);
      }
    }
    Set<String> claimed = new HashSet<>();
    for (Map.Entry<String, String> e : imageToMask.entrySet()) {
      if (!maskNames.contains(e.getValue())) {
        throw new IOException("image " + images.resolve(e.getKey()) + " has no mask: expected "
            + masks.resolve(e.getValue()));
      }
      if (!claimed.add(e.getValue())) {
        throw new IOException("mask " + masks.resolve(e.getValue()) + " is paired with more than one image");
      }
    }
    for (String m : maskNames) {
      if (!claimed.contains(m)) {
        throw new IOException("mask " + masks.resolve(m) + " has no image in " + images + " (" + pairing + ")");
      }
    }
    List<Sample> out = new ArrayList<>(imageToMask.size());
    for (Map.Entry<String, String> e : imageToMask.entrySet()) {
      Path imagePath = images.resolve(e.getKey());
      Path maskPath = masks.resolve(e.getValue());
      RgbImage image = RgbImage.of(read(imagePath, "image"));
      BinaryMask mask = readMask(maskPath, rule);
      if (image.height() != mask.height() || image.width() != mask.width()) {
        throw new IOException("image " + imagePath + " is " + image.height() + " x " + image.width()
            + " but its mask " + maskPath + " is " + mask.height() + " x " + mask.width() + " (height x width)");
      }
      out.add(new Sample(pairing.sampleId(e.getKey()), image, mask));
    }
    return new SegmentationDataset(out);
  }

  private static void requireDirectory(Path dir, String what) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(what + " folder " + dir + " does not exist or is not a directory");
    }
  }

  private static List<String> listFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  private static BufferedImage read(Path path, String what) throws IOException {
    BufferedImage image;
    try {
      image = ImageIO.read(path.toFile());
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot read " + what + " " + path + ": " + e.getMessage(), e);
    }
    if (image == null) {
      throw new IOException("cannot read " + what + " " + path + ": not an image in a supported format");
    }
    return image;
  }

  /** Reads the raw single-channel samples of an 8- or 16-bit grey mask through {@code rule}. */
  static BinaryMask readMask(Path path, MaskRule rule) throws IOException {
    BufferedImage image = read(path, "mask");
    Raster raster = image.getRaster();
    ColorModel cm = image.getColorModel();
    int bits = raster.getSampleModel().getSampleSize(0);
    boolean grey = !(cm instanceof IndexColorModel)
        && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && raster.getNumBands() == 1
        && (bits == 8 || bits == 16);
    if (!grey) {
      throw new IOException("mask " + path + " has " + raster.getNumBands() + " band(s) of " + bits + " bits"
          + (cm instanceof IndexColorModel ? " (palette)" : "")
          + "; masks must be single-channel 8- or 16-bit greyscale");
    }
    int h = image.getHeight();
    int w = image.getWidth();
    int[] labels = new int[Math.multiplyExact(h, w)];
    raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, 0, labels);
    return BinaryMask.fromLabels(labels, h, w, rule);
  }

  /** @return the number of samples */
  public int size() {
    return samples.size();
  }

  /**
   * One sample.
   *
   * @param i the 0-based index
   * @return the sample
   * @throws IndexOutOfBoundsException if {@code i} is outside {@code [0, size)}
   */
  public Sample get(int i) {
    checkElementIndex(i, samples.size(), "sample index");
    return samples.get(i);
  }

  /** @return every sample, in order (immutable) */
  public List<Sample> samples() {
    return samples;
  }

  /**
   * The samples at {@code indices}, in that order (repeats allowed).
   *
   * @param indices 0-based sample indices
   * @return the subset
   * @throws IndexOutOfBoundsException if an index is outside {@code [0, size)}
   */
  public SegmentationDataset subset(List<Integer> indices) {
    checkNotNull(indices, "indices");
    List<Sample> out = new ArrayList<>(indices.size());
    for (int i : indices) {
      out.add(get(i));
    }
    return new SegmentationDataset(out);
  }

  /**
   * The samples whose index satisfies {@code byIndex} ({@link Split#selected()}) and the others, order kept.
   *
   * @param byIndex tests a 0-based sample index
   * @return the two parts
   */
  public Split split(IntPredicate byIndex) {
    checkNotNull(byIndex, "byIndex");
    List<Sample> yes = new ArrayList<>();
    List<Sample> no = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      (byIndex.test(i) ? yes : no).add(samples.get(i));
    }
    return new Split(new SegmentationDataset(yes), new SegmentationDataset(no));
  }

  /**
   * The samples satisfying {@code keep} (e.g. by id), order kept.
   *
   * @param keep which samples to keep
   * @return the filtered dataset
   */
  public SegmentationDataset filter(Predicate<Sample> keep) {
    checkNotNull(keep, "keep");
    return new SegmentationDataset(samples.stream().filter(keep).toList());
  }

  /**
   * The two parts of {@link #split(IntPredicate)}.
   *
   * @param selected the samples whose index was selected
   * @param rest the others
   */
  public record Split(SegmentationDataset selected, SegmentationDataset rest) {}

  /**
   * The index lists of one epoch: {@code 0..size-1}, shuffled when {@code shuffle} by Fisher-Yates (for
   * {@code i = n-1 .. 1}: swap {@code i} with {@code j = rnd.nextInt(i + 1)}) using
   * {@code new SplittableRandom(PromptSimulator.sampleSeed(seed, epoch, -1))}, then cut into consecutive
   * batches of {@code batchSize}; the last, smaller batch is kept. The same (seed, epoch) gives the same lists.
   *
   * @param batchSize samples per batch, positive
   * @param seed the run's seed
   * @param epoch the 0-based epoch
   * @param shuffle whether to shuffle the order
   * @return the index lists
   * @throws IllegalArgumentException if {@code batchSize} is not positive
   */
  public List<List<Integer>> batches(int batchSize, long seed, int epoch, boolean shuffle) {
    checkArgument(batchSize > 0, "batch size must be positive, got %s", batchSize);
    int n = samples.size();
    int[] order = PromptSimulator.epochOrder(n, seed, epoch, shuffle);
    List<List<Integer>> out = new ArrayList<>();
    for (int start = 0; start < n; start += batchSize) {
      List<Integer> batch = new ArrayList<>();
      for (int k = start; k < Math.min(n, start + batchSize); k++) {
        batch.add(order[k]);
      }
      out.add(List.copyOf(batch));
    }
    return List.copyOf(out);
  }

  /**
   * The samples of one index list.
   *
   * @param indices 0-based sample indices
   * @return the batch
   * @throws IndexOutOfBoundsException if an index is outside {@code [0, size)}
   */
  public Batch batch(List<Integer> indices) {
    checkNotNull(indices, "indices");
    List<Sample> out = new ArrayList<>(indices.size());
    for (int i : indices) {
      out.add(get(i));
    }
    return new Batch(indices, out);
  }

  /**
   * {@link #batches} of one epoch as {@link Batch}es.
   *
   * @param batchSize samples per batch, positive
   * @param seed the run's seed
   * @param epoch the 0-based epoch
   * @param shuffle whether to shuffle the order
   * @return the batches
   * @throws IllegalArgumentException if {@code batchSize} is not positive
   */
  public List<Batch> epoch(int batchSize, long seed, int epoch, boolean shuffle) {
    return batches(batchSize, seed, epoch, shuffle).stream().map(this::batch).toList();
  }

  @Override
  public String toString() {
    return "SegmentationDataset[" + samples.size() + " samples]";
  }
}
