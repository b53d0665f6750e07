package io.github.medsa.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.Prompt;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real Colin27 + AAL slices in {@code src/test/resources/colin27} (see its README.md). */
class Colin27DatasetTest {
  private static Path root;
  private static SegmentationDataset thalamus;

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    root = Path.of(Colin27DatasetTest.class.getResource("/colin27/manifest.csv").toURI()).getParent();
    Path slices = root.resolve("128");
    thalamus = SegmentationDataset.fromFolders(slices, slices, MaskRule.labels(77, 78),
        FilePairing.byStem("img_", "lab_"));
  }

  private static List<String[]> csv(String name) throws IOException {
    List<String> lines = Files.readAllLines(root.resolve(name));
    return lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
  }

  @Test
  void thirtyTwoSlicesWithManifestThalamusCounts() throws IOException {
    assertThat(thalamus.size()).isEqualTo(32);
    List<String[]> manifest = csv("manifest.csv");
    assertThat(manifest).hasSize(32);
    for (int i = 0; i < 32; i++) {
      String[] row = manifest.get(i);
      Sample s = thalamus.get(i);
      assertThat(s.id()).isEqualTo(String.format("z%03d", Integer.parseInt(row[0])));
      assertThat(s.image().height()).isEqualTo(128);
      assertThat(s.image().width()).isEqualTo(128);
      assertThat(s.mask().count()).as("thalamus pixels of %s", s.id()).isEqualTo(Integer.parseInt(row[5]));
    }
    assertThat(thalamus.get(14).mask().count()).isEqualTo(318); // z080
    assertThat(thalamus.get(3).mask().count()).isEqualTo(1); // z069
    assertThat(thalamus.get(26).mask().count()).isZero(); // z092: no thalamus in AAL
  }

  @Test
  void otherStructuresByRuleAndGreyImages() throws IOException {
    Path slices = root.resolve("128");
    SegmentationDataset caudate = SegmentationDataset.fromFolders(slices, slices, MaskRule.labels(71, 72),
        FilePairing.byStem("img_", "lab_"));
    List<String[]> manifest = csv("manifest.csv");
    for (int i = 0; i < 32; i++) {
      assertThat(caudate.get(i).mask().count()).isEqualTo(Integer.parseInt(manifest.get(i)[6]));
    }
    Sample z080 = thalamus.get(14);
    int bright = 0;
    for (int y = 0; y < 128; y++) {
      for (int x = 0; x < 128; x++) {
        int r = z080.image().get(y, x, 0);
        assertThat(z080.image().get(y, x, 1)).isEqualTo(r);
        assertThat(z080.image().get(y, x, 2)).isEqualTo(r);
        bright += r > 0 ? 1 : 0;
      }
    }
    assertThat(bright).isGreaterThan(5000);
    // zero padding on the right: columns beyond the brain (~107 of 128) are black
    assertThat(z080.image().get(64, 127, 0)).isZero();
  }

  @Test
  void splitCsvSelectsEightTestSlices() throws IOException {
    Map<String, String> split = new HashMap<>();
    for (String[] row : csv("split.csv")) {
      split.put(String.format("z%03d", Integer.parseInt(row[0])), row[1]);
    }
    SegmentationDataset test = thalamus.filter(s -> split.get(s.id()).equals("test"));
    assertThat(test.samples()).extracting(Sample::id)
        .containsExactly("z068", "z072", "z076", "z080", "z084", "z088", "z092", "z096");
    assertThat(thalamus.split(i -> split.get(thalamus.get(i).id()).equals("train")).selected().size())
        .isEqualTo(24);
  }

  @Test
  void simulatedPromptsMatchTheRealThalamusMask() {
    Sample z080 = thalamus.get(14);
    PromptSimulator sim = PromptSimulator.builder().positiveClicks(5).negativeClicks(2).build();
    for (int i = 0; i < 50; i++) {
      Prompt p = sim.simulate(z080.mask(), 17L, 0, i);
      for (Prompt.Point pt : p.points()) {
        assertThat(z080.mask().get((int) pt.y(), (int) pt.x())).isEqualTo(pt.label() == 1);
      }
    }
    int[] box = z080.mask().boundingBox().orElseThrow();
    Prompt boxed = PromptSimulator.builder().box().build().simulate(z080.mask(), 1L);
    assertThat(boxed.box()).isEqualTo(new Prompt.Box(box[0], box[1], box[2], box[3]));
  }
}
