package io.github.medsa.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.medsa.image.RgbImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class SegmentationDatasetTest {
  @TempDir Path dir;

  private static BufferedImage grey8(int h, int w, int[] values) {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    im.getRaster().setSamples(0, 0, w, h, 0, values);
    return im;
  }

  private static BufferedImage grey16(int h, int w, int[] values) {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
    im.getRaster().setSamples(0, 0, w, h, 0, values);
    return im;
  }

  private static int[] fill(int n, int v) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private static Path png(Path folder, String name, BufferedImage im) throws IOException {
    Files.createDirectories(folder);
    Path p = folder.resolve(name);
    assertThat(ImageIO.write(im, "png", p.toFile())).isTrue();
    return p;
  }

  @Test
  void readsGreyAndRgbImagesWith8And16BitGreyMasksSortedByName() throws IOException {
    Path images = dir.resolve("images");
    Path masks = dir.resolve("masks");
    // 2 x 3 label images; 8-bit grey 77 would read as a different value through getRGB's gamma conversion
    int[] labels = {0, 77, 78, 5, 77, 200};
    png(images, "b.png", grey8(2, 3, new int[] {10, 20, 30, 40, 50, 255}));
    png(masks, "b.png", grey8(2, 3, labels));
    // 16-bit mask: raw 77/78 count, 77 << 8 (what a scaled 8-bit 77 would be) does not
    png(images, "a.png", grey16(2, 3, new int[] {0xABCD, 0x0100, 0xFFFF, 0, 0x00FF, 0x7F80}));
    png(masks, "a.png", grey16(2, 3, new int[] {77, 78, 77 << 8, 0, 1000, 78}));
    BufferedImage rgb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(2, 1, 0x123456);
    png(images, "c.png", rgb);
    png(masks, "c.png", grey8(2, 3, fill(6, 255)));

    SegmentationDataset ds = SegmentationDataset.fromFolders(images, masks, MaskRule.labels(77, 78));
    assertThat(ds.size()).isEqualTo(3);
    assertThat(ds.samples()).extracting(Sample::id).containsExactly("a", "b", "c");

    Sample a = ds.get(0);
    assertThat(a.mask().data()).containsExactly(true, true, false, false, false, true);
    assertThat(a.image().get(0, 0, 0)).isEqualTo(0xAB);
    assertThat(a.image().get(0, 0, 2)).isEqualTo(0xAB);
    assertThat(a.image().get(1, 2, 1)).isEqualTo(0x7F);

    Sample b = ds.get(1);
    assertThat(b.mask().data()).containsExactly(false, true, true, false, true, false);
    assertThat(b.image().get(1, 0, 1)).isEqualTo(40);
    assertThat(b.image().get(1, 2, 0)).isEqualTo(255);

    Sample c = ds.get(2);
    assertThat(c.mask().count()).isZero();
    assertThat(c.image().get(1, 2, 0)).isEqualTo(0x12);
    assertThat(c.image().get(1, 2, 1)).isEqualTo(0x34);
    assertThat(c.image().get(1, 2, 2)).isEqualTo(0x56);

    assertThat(SegmentationDataset.fromFolders(images, masks, MaskRule.nonZero()).get(1).mask().count())
        .isEqualTo(5);
    assertThat(SegmentationDataset.fromFolders(images, masks, MaskRule.threshold(128)).get(2).mask().count())
        .isEqualTo(6);
    assertThat(SegmentationDataset.fromFolders(images, masks, MaskRule.threshold(128)).get(0).mask().data())
        .containsExactly(false, false, true, false, true, false);
  }

  @Test
  void pairsByStemInOneSharedFolder() throws IOException {
    Path f = dir.resolve("slices");
    png(f, "img_z081.png", grey8(2, 2, fill(4, 9)));
    png(f, "lab_z081.png", grey8(2, 2, new int[] {0, 1, 0, 0}));
    png(f, "img_z080.png", grey8(2, 2, fill(4, 7)));
    png(f, "lab_z080.png", grey8(2, 2, new int[] {1, 1, 0, 1}));
    Files.writeString(f.resolve(".DS_Store"), "ignored");
    SegmentationDataset ds = SegmentationDataset.fromFolders(f, f, MaskRule.nonZero(),
        FilePairing.byStem("img_", "lab_"));
    assertThat(ds.samples()).extracting(Sample::id).containsExactly("z080", "z081");
    assertThat(ds.get(0).mask().count()).isEqualTo(3);
    assertThat(ds.get(0).image().get(1, 1, 0)).isEqualTo(7);
    assertThat(ds.get(1).mask().get(0, 1)).isTrue();

    assertThatThrownBy(() -> SegmentationDataset.fromFolders(f, f, MaskRule.nonZero()))
        .isInstanceOf(IOException.class).hasMessageContaining("same folder");
    Files.writeString(f.resolve("notes.txt"), "hello");
    assertThatThrownBy(() -> SegmentationDataset.fromFolders(f, f, MaskRule.nonZero(),
        FilePairing.byStem("img_", "lab_")))
        .isInstanceOf(IOException.class).hasMessageContaining("notes.txt");
    assertThatThrownBy(() -> FilePairing.byStem("img", "img_")).hasMessageContaining("prefixes of each other");
  }

  @Test
  void sizeMismatchNamesBothFilesAndBothSizes() throws IOException {
    Path images = dir.resolve("images");
    Path masks = dir.resolve("masks");
    png(images, "img_case1.png", grey8(10, 20, fill(200, 1)));
    png(masks, "lab_case1.png", grey8(10, 21, fill(210, 1)));
    assertThatThrownBy(() -> SegmentationDataset.fromFolders(images, masks, MaskRule.nonZero(),
        FilePairing.byStem("img_", "lab_")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("img_case1.png")
        .hasMessageContaining("lab_case1.png")
        .hasMessageContaining("10 x 20")
        .hasMessageContaining("10 x 21");
  }

  @Test
  void missingOrOrphanMasksAreNamed() throws IOException {
    Path images = dir.resolve("images");
    Path masks = dir.resolve("masks");
    png(images, "a.png", grey8(2, 2, fill(4, 1)));
    png(images, "b.png", grey8(2, 2, fill(4, 1)));
    png(masks, "a.png", grey8(2, 2, fill(4, 1)));
    assertThatThrownBy(() -> SegmentationDataset.fromFolders(images, masks, MaskRule.nonZero()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("image " + images.resolve("b.png"))
        .hasMessageContaining("no mask");
    Files.delete(images.resolve("b.png"));
    png(masks, "z.png", grey8(2, 2, fill(4, 1)));
    assertThatThrownBy(() -> SegmentationDataset.fromFolders(images, masks, MaskRule.nonZero()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("mask " + masks.resolve("z.png"))
        .hasMessageContaining("no image");
  }

  @Test
  void nonImageAndColourMaskAreRejectedByName() throws IOException {
    Path images = dir.resolve("images");
    Path masks = dir.resolve("masks");
    Files.createDirectories(images);
    Files.writeString(images.resolve("a.png"), "not a png at all");
    png(masks, "a.png", grey8(2, 2, fill(4, 1)));
    assertThatThrownBy(() -> SegmentationDataset.fromFolders(images, masks, MaskRule.nonZero()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot read image")
        .hasMessageContaining(images.resolve("a.png").toString());

    png(images, "a.png", grey8(2, 2, fill(4, 1)));
    png(masks, "a.png", new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB));
    assertThatThrownBy(() -> SegmentationDataset.fromFolders(images, masks, MaskRule.nonZero()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(masks.resolve("a.png").toString())
        .hasMessageContaining("single-channel 8- or 16-bit greyscale");
  }

  @Test
  void emptyOrMissingFolderIsAnError() throws IOException {
    Path images = Files.createDirectories(dir.resolve("images"));
    Path masks = Files.createDirectories(dir.resolve("masks"));
    assertThatThrownBy(() -> SegmentationDataset.fromFolders(images, masks, MaskRule.nonZero()))
        .isInstanceOf(IOException.class).hasMessageContaining("no images in " + images);
    assertThatThrownBy(() -> SegmentationDataset.fromFolders(dir.resolve("nope"), masks, MaskRule.nonZero()))
        .isInstanceOf(IOException.class).hasMessageContaining("nope");
  }

  private static SegmentationDataset memory(int n) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      samples.add(new Sample("s" + i, RgbImage.of(Nd4j.zeros(DataType.INT, 2, 2)),
          new BinaryMask(2, 2, new boolean[] {i % 2 == 0, false, false, false})));
    }
    return SegmentationDataset.fromMemory(samples);
  }

  @Test
  void subsetSplitAndFilterKeepOrder() {
    SegmentationDataset ds = memory(6);
    assertThat(ds.subset(List.of(4, 1, 4)).samples()).extracting(Sample::id).containsExactly("s4", "s1", "s4");
    SegmentationDataset.Split split = ds.split(i -> i % 3 == 0);
    assertThat(split.selected().samples()).extracting(Sample::id).containsExactly("s0", "s3");
    assertThat(split.rest().samples()).extracting(Sample::id).containsExactly("s1", "s2", "s4", "s5");
    assertThat(ds.filter(s -> s.mask().count() > 0).samples()).extracting(Sample::id)
        .containsExactly("s0", "s2", "s4");
    assertThatThrownBy(() -> ds.get(6)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> ds.samples().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void batchesArePermutationsReproduciblePerSeedAndEpoch() {
    SegmentationDataset ds = memory(10);
    List<List<Integer>> plain = ds.batches(4, 1L, 0, false);
    assertThat(plain).containsExactly(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(8, 9));

    List<List<Integer>> e0 = ds.batches(4, 1L, 0, true);
    assertThat(e0).extracting(List::size).containsExactly(4, 4, 2);
    assertThat(e0.stream().flatMap(List::stream).toList()).containsExactlyInAnyOrderElementsOf(
        IntStream.range(0, 10).boxed().toList());
    assertThat(ds.batches(4, 1L, 0, true)).isEqualTo(e0);
    assertThat(e0.stream().flatMap(List::stream).toList()).isNotEqualTo(IntStream.range(0, 10).boxed().toList());

    var orders = new HashSet<List<Integer>>();
    for (int epoch = 0; epoch < 20; epoch++) {
      orders.add(ds.batches(10, 1L, epoch, true).get(0));
    }
    assertThat(orders).hasSizeGreaterThan(18);
    assertThat(ds.batches(10, 2L, 0, true)).isNotEqualTo(ds.batches(10, 1L, 0, true));

    List<Batch> epoch = ds.epoch(4, 1L, 0, true);
    assertThat(epoch.get(2).indices()).isEqualTo(e0.get(2));
    assertThat(epoch.get(2).samples()).extracting(Sample::id)
        .containsExactly("s" + e0.get(2).get(0), "s" + e0.get(2).get(1));
    assertThat(SegmentationDataset.fromMemory(List.of()).batches(3, 0L, 0, true)).isEmpty();
    assertThatThrownBy(() -> ds.batches(0, 0L, 0, true)).hasMessageContaining("batch size");
  }

  @Test
  void shuffleIsTheDocumentedFisherYates() {
    SegmentationDataset ds = memory(7);
    int[] order = IntStream.range(0, 7).toArray();
    var rnd = new java.util.SplittableRandom(PromptSimulator.sampleSeed(5L, 3, -1));
    for (int i = 6; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    assertThat(ds.batches(7, 5L, 3, true).get(0)).containsExactlyElementsOf(
        IntStream.of(order).boxed().toList());
  }
}
