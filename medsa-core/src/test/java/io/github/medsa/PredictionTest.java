package io.github.medsa;

import static io.github.medsa.testing.Fixtures.npy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.medsa.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A prediction owns its native arrays: close() frees them at once and use after close is refused. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PredictionTest {
  private static final Prompt CLICK = Prompt.builder().point(20, 24).multimask(true).build();
  private MedSA sam;
  private EncodedImage image;

  @BeforeAll
  void setUp() {
    sam = Fixtures.samTiny();
    image = sam.encode(npy("sam-tiny/image.npy"));
  }

  @AfterAll
  void tearDown() {
    image.close();
    sam.close();
  }

  @Test
  void closeFreesEveryArrayAtOnceAndIsIdempotent() {
    Prediction p = image.predict(CLICK);
    List<INDArray> arrays = List.of(p.masks(), p.logits(), p.lowResLogits());
    assertThat(arrays).noneMatch(INDArray::wasClosed);
    assertThat(p.isClosed()).isFalse();

    p.close();
    assertThat(arrays).allMatch(INDArray::wasClosed);
    assertThat(p.isClosed()).isTrue();
    p.close(); // idempotent
    assertThat(p.isClosed()).isTrue();
  }

  @Test
  void everyAccessorAfterCloseIsAnIllegalStateException() {
    Prediction p = image.predict(CLICK);
    p.close();
    List<ThrowingCallable> accessors = List.of(p::masks, p::logits, p::iouPredictions, p::lowResLogits, p::count,
        p::best, () -> p.mask(0), () -> p.lowResLogits(0));
    for (ThrowingCallable accessor : accessors) {
      assertThatThrownBy(accessor).isInstanceOf(IllegalStateException.class).hasMessage("Prediction is closed");
    }
  }

  @Test
  void copiesOutliveThePredictionAndItsImage() {
    INDArray mask;
    INDArray lowRes;
    try (EncodedImage other = sam.encode(npy("sam-tiny/image.npy"));
        Prediction p = other.predict(CLICK)) {
      other.close(); // a prediction owns its arrays: it stays valid after its image is closed
      mask = p.mask(p.best()).dup();
      lowRes = p.lowResLogits(p.best());
      assertThat(mask).isEqualTo(p.mask(p.best()));
    }
    assertThat(mask.wasClosed()).isFalse();
    // The copied low-res logits feed the next prompt, in the caller's type or another.
    try (Prediction asFloat = image.predict(Prompt.builder().point(20, 24).maskInput(lowRes).build());
        Prediction asDouble = image.predict(
            Prompt.builder().point(20, 24).maskInput(lowRes.castTo(DataType.DOUBLE)).build())) {
      assertThat(asDouble.logits()).isEqualTo(asFloat.logits());
    }
    assertThat(lowRes.wasClosed()).as("the caller's mask input is left alone").isFalse();
  }

  @Test
  void closingOnePredictionOfABatchLeavesTheOthers() {
    List<Prompt> prompts = new ArrayList<>();
    // More clicks of one layout than the decoder takes per call, so the batch is decoded in several calls.
    for (int i = 0; i < 2 * EncodedImage.DECODER_BATCH + 1; i++) {
      prompts.add(Prompt.click(10 + (37 * i) % 160, 20 + (53 * i) % 180)); // inside the 181 x 217 image
    }
    List<Prediction> batch = image.predict(prompts);
    try {
      batch.get(0).close();
      for (int i = 1; i < prompts.size(); i++) {
        try (Prediction single = image.predict(prompts.get(i))) {
          Fixtures.assertClose("prompt " + i, batch.get(i).logits(), single.logits(), 1e-5);
        }
      }
    } finally {
      batch.forEach(Prediction::close);
    }
  }

  @Test
  void equalityIsIdentity() {
    try (Prediction a = image.predict(CLICK); Prediction b = image.predict(CLICK)) {
      assertThat(a.logits()).isEqualTo(b.logits());
      assertThat(a).isEqualTo(a).isNotEqualTo(b);
    }
  }
}
