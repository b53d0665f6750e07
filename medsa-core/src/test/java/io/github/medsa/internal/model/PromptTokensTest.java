package io.github.medsa.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Token layout of prompt batches, worked out by hand from SAM's {@code _embed_points} / {@code _embed_boxes}. */
class PromptTokensTest {
  private static final PromptTokens.Input CLICK = new PromptTokens.Input(new float[][] {{10, 20}}, new int[] {1}, null);
  private static final PromptTokens.Input BOX_AND_CLICK =
      new PromptTokens.Input(new float[][] {{30, 40}}, new int[] {0}, new float[] {1, 2, 63, 62});

  @Test
  void mixedLayoutsNeedPadding() {
    assertThatThrownBy(() -> PromptTokens.of(List.of(CLICK, BOX_AND_CLICK), 64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prompts of one batch need the same layout: prompt 1 has 1 points and a box, prompt 0 has 1 points");
  }

  @Test
  void paddedPutsNotAPointTokensAfterThePoints() {
    PromptTokens t = PromptTokens.padded(List.of(CLICK, BOX_AND_CLICK), 64);
    assertThat(t.coords().shape()).containsExactly(2, 3, 2);
    // click: (10.5, 20.5) / 64, then two not-a-point tokens at (0, 0) (one pad as SAM's, one to the batch's 3).
    assertThat(t.coords().slice(0).toFloatMatrix()).isEqualTo(new float[][] {{10.5f / 64, 20.5f / 64}, {0, 0}, {0, 0}});
    assertThat(t.kinds().slice(0).toFloatMatrix()).isEqualTo(new float[][] {
        {0, 0, 1, 0, 0}, {1, 0, 0, 0, 0}, {1, 0, 0, 0, 0}});
    // the negative click, then the box corners: already 3 tokens, nothing padded.
    assertThat(t.coords().slice(1).toFloatMatrix()).isEqualTo(new float[][] {
        {30.5f / 64, 40.5f / 64}, {1.5f / 64, 2.5f / 64}, {63.5f / 64, 62.5f / 64}});
    assertThat(t.kinds().slice(1).toFloatMatrix()).isEqualTo(new float[][] {
        {0, 1, 0, 0, 0}, {0, 0, 0, 1, 0}, {0, 0, 0, 0, 1}});
  }

  @Test
  void paddingABoxPromptGoesBeforeItsCorners() {
    PromptTokens.Input box = new PromptTokens.Input(new float[0][], new int[0], new float[] {4, 4, 8, 8});
    PromptTokens t = PromptTokens.padded(List.of(box, BOX_AND_CLICK), 64);
    assertThat(t.kinds().slice(0).toFloatMatrix()).isEqualTo(new float[][] {
        {1, 0, 0, 0, 0}, {0, 0, 0, 1, 0}, {0, 0, 0, 0, 1}});
    assertThat(t.coords().slice(0).toFloatMatrix()).isEqualTo(new float[][] {
        {0, 0}, {4.5f / 64, 4.5f / 64}, {8.5f / 64, 8.5f / 64}});
  }
}
