package io.github.medsa.training.data;

import static io.github.medsa.training.data.BinaryMaskTest.asymmetric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.medsa.Prompt;
import io.github.medsa.image.RgbImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class PromptSimulatorTest {
  private static final int H = 10;
  private static final int W = 20;

  @Test
  void positiveClicksAreForegroundPixelsAsXy() {
    PromptSimulator sim = PromptSimulator.builder().positiveClicks(3).build();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      Prompt p = sim.simulate(asymmetric(), 7L, 0, i);
      assertThat(p.box()).isNull();
      assertThat(p.multimask()).isFalse();
      assertThat(p.points()).hasSize(3);
      for (Prompt.Point pt : p.points()) {
        assertThat(pt.label()).isEqualTo(1);
        assertThat(pt.x()).isBetween(15.0, 17.0);
        assertThat(pt.y()).isBetween(2.0, 3.0);
        assertThat(pt.x()).isEqualTo(Math.rint(pt.x()));
        seen.add((int) pt.x() + "," + (int) pt.y());
      }
    }
    // uniform over the 6 foreground pixels: every one is drawn
    assertThat(seen).containsExactlyInAnyOrder("15,2", "16,2", "17,2", "15,3", "16,3", "17,3");
  }

  @Test
  void negativeClicksAreBackgroundPixelsInsideTheImage() {
    PromptSimulator sim = PromptSimulator.builder().positiveClicks(1).negativeClicks(4).build();
    BinaryMask mask = asymmetric();
    Set<Integer> xs = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      List<Prompt.Point> pts = sim.simulate(mask, 11L, 2, i).points();
      assertThat(pts).hasSize(5);
      assertThat(pts.get(0).label()).isEqualTo(1);
      for (Prompt.Point pt : pts.subList(1, 5)) {
        assertThat(pt.label()).isZero();
        assertThat(pt.x()).isBetween(0.0, W - 1.0);
        assertThat(pt.y()).isBetween(0.0, H - 1.0);
        assertThat(mask.get((int) pt.y(), (int) pt.x())).isFalse();
        xs.add((int) pt.x());
      }
    }
    // the x range is the width (20 columns), not the height: a (y, x) swap would stay below 10
    assertThat(xs).contains(0, 19);
  }

  @Test
  void tightBoxIsTheBoundingBox() {
    PromptSimulator sim = PromptSimulator.builder().box().build();
    for (int i = 0; i < 20; i++) {
      Prompt p = sim.simulate(asymmetric(), 3L, 0, i);
      assertThat(p.points()).isEmpty();
      assertThat(p.box()).isEqualTo(new Prompt.Box(15, 2, 17, 3));
      assertThat(p.multimask()).isFalse();
    }
  }

  @Test
  void jitteredBoxStaysWithinJitterAndImage() {
    PromptSimulator sim = PromptSimulator.builder().box().boxJitter(10).build();
    Set<Prompt.Box> boxes = new HashSet<>();
    double minX0 = Double.MAX_VALUE;
    for (int i = 0; i < 2000; i++) {
      Prompt.Box b = sim.simulate(asymmetric(), 5L, 1, i).box();
      // each edge is the tight edge +-10, clamped to [0, 19] x [0, 9], then ordered
      assertThat(b.x0()).isBetween(5.0, 19.0);
      assertThat(b.x1()).isBetween(7.0, 19.0);
      assertThat(b.y0()).isBetween(0.0, 9.0);
      assertThat(b.y1()).isBetween(0.0, 9.0);
      assertThat(b.x0()).isLessThanOrEqualTo(b.x1());
      assertThat(b.y0()).isLessThanOrEqualTo(b.y1());
      boxes.add(b);
      minX0 = Math.min(minX0, b.x0());
    }
    assertThat(boxes.size()).isGreaterThan(500);
    assertThat(minX0).isEqualTo(5.0);
    assertThat(boxes).anyMatch(b -> b.x1() == 19.0 && b.y1() == 9.0 && b.y0() == 0.0);
  }

  @Test
  void boxProbabilityMixesBoxesAndClicks() {
    PromptSimulator sim = PromptSimulator.builder().boxProbability(0.3).build();
    int boxes = 0;
    for (int i = 0; i < 4000; i++) {
      Prompt p = sim.simulate(asymmetric(), 9L, 0, i);
      if (p.box() != null) {
        boxes++;
        assertThat(p.points()).isEmpty();
        assertThat(p.box()).isEqualTo(new Prompt.Box(15, 2, 17, 3));
      } else {
        assertThat(p.points()).hasSize(1);
      }
    }
    assertThat(boxes / 4000.0).isBetween(0.27, 0.33);

    Prompt both = PromptSimulator.builder().box().clicksWithBox(true).negativeClicks(1).build()
        .simulate(asymmetric(), 1L);
    assertThat(both.box()).isEqualTo(new Prompt.Box(15, 2, 17, 3));
    assertThat(both.points()).extracting(Prompt.Point::label).containsExactly(1, 0);
  }

  @Test
  void emptyMaskGivesNegativeClicksOnlyEvenInBoxMode() {
    BinaryMask empty = new BinaryMask(H, W, new boolean[H * W]);
    for (PromptSimulator sim : List.of(PromptSimulator.defaults(), PromptSimulator.builder().box().build())) {
      for (int i = 0; i < 50; i++) {
        Prompt p = sim.simulate(empty, 4L, 0, i);
        assertThat(p.box()).isNull();
        assertThat(p.multimask()).isFalse();
        assertThat(p.points()).hasSize(1);
        assertThat(p.points().get(0).label()).isZero();
        p.checkInside(H, W);
      }
    }
    Prompt three = PromptSimulator.builder().negativeClicks(3).build().simulate(empty, 4L);
    assertThat(three.points()).hasSize(3).allMatch(pt -> pt.label() == 0);
  }

  @Test
  void fullMaskDropsNegativeClicks() {
    boolean[] all = new boolean[H * W];
    java.util.Arrays.fill(all, true);
    BinaryMask full = new BinaryMask(H, W, all);
    Prompt p = PromptSimulator.builder().positiveClicks(2).negativeClicks(2).build().simulate(full, 1L);
    assertThat(p.points()).hasSize(2).allMatch(pt -> pt.label() == 1);
    Prompt onlyNeg = PromptSimulator.builder().positiveClicks(0).negativeClicks(1).build().simulate(full, 1L);
    assertThat(onlyNeg.points()).hasSize(1).allMatch(pt -> pt.label() == 1);
    assertThat(PromptSimulator.builder().box().build().simulate(full, 2L).box())
        .isEqualTo(new Prompt.Box(0, 0, W - 1, H - 1));
    // jitter can only move the edges inwards here: outwards is clamped to the image
    Prompt.Box jittered = PromptSimulator.builder().box().boxJitter(3).build().simulate(full, 2L).box();
    assertThat(jittered.x0()).isBetween(0.0, 3.0);
    assertThat(jittered.x1()).isBetween(W - 4.0, W - 1.0);
    assertThat(jittered.y1()).isBetween(H - 4.0, H - 1.0);
  }

  @Test
  void sampleSeedIsSplitMix64AsDocumented() {
    // values from an independent Python implementation of mix(mix(mix(seed) + epoch) + index)
    assertThat(PromptSimulator.sampleSeed(0, 0, 0)).isEqualTo(2558736989570252433L);
    assertThat(PromptSimulator.sampleSeed(42, 3, 7)).isEqualTo(557877198860521237L);
    assertThat(PromptSimulator.sampleSeed(42, 0, -1)).isEqualTo(-6596124625521688287L);
    assertThat(PromptSimulator.sampleSeed(-5, 1, 2)).isEqualTo(5189825682988995354L);
  }

  @Test
  void sameSeedEpochIndexGivesSamePromptRegardlessOfCallOrder() {
    BinaryMask big = bigMask();
    PromptSimulator sim = PromptSimulator.builder().positiveClicks(2).negativeClicks(1).boxProbability(0.5)
        .boxJitter(5).build();
    List<Prompt> forward = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      forward.add(sim.simulate(big, 123L, 4, i));
    }
    for (int i = 49; i >= 0; i--) {
      assertThat(sim.simulate(big, 123L, 4, i)).isEqualTo(forward.get(i));
    }
    assertThat(new HashSet<>(forward)).hasSizeGreaterThan(45);
    assertThat(sim.simulate(big, 123L, 5, 0)).isNotEqualTo(forward.get(0));
    assertThat(sim.simulate(big, 124L, 4, 0)).isNotEqualTo(forward.get(0));
    assertThat(sim.simulate(big, new SplittableRandom(99))).isEqualTo(sim.simulate(big, 99L));

    // a batch gives each sample the prompt of its dataset index, not of its position in the batch
    RgbImage image = RgbImage.of(Nd4j.zeros(DataType.INT, 64, 64));
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      samples.add(new Sample("s" + i, image, big));
    }
    Batch batch = SegmentationDataset.fromMemory(samples).batch(List.of(7, 3, 42));
    assertThat(batch.prompts(sim, 123L, 4)).containsExactly(forward.get(7), forward.get(3), forward.get(42));
  }

  @Test
  void rejectsConfigurationsThatCannotMakeAPrompt() {
    assertThatThrownBy(() -> PromptSimulator.builder().positiveClicks(0).build())
        .hasMessageContaining("both 0");
    assertThatThrownBy(() -> PromptSimulator.builder().boxProbability(1.5)).hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> PromptSimulator.builder().boxJitter(-1)).hasMessageContaining(">= 0");
    assertThat(PromptSimulator.builder().positiveClicks(0).box().build().simulate(asymmetric(), 1L).box())
        .isNotNull();
  }

  /** 64 x 64 with a 30 x 20 block: enough pixels that prompts rarely repeat. */
  private static BinaryMask bigMask() {
    boolean[] d = new boolean[64 * 64];
    for (int y = 10; y < 40; y++) {
      for (int x = 5; x < 25; x++) {
        d[y * 64 + x] = true;
      }
    }
    return new BinaryMask(64, 64, d);
  }
}
