package io.github.medsa;

import static io.github.medsa.testing.Fixtures.npy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.medsa.internal.model.SamParameters;
import io.github.medsa.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** close() frees the model's native memory, use after close is refused, and threads share one session. */
class LifecycleTest {
  private static final Prompt CLICK = Prompt.builder().point(20, 24).multimask(true).build();

  @Test
  void closeFreesEveryWeightAtOnceAndIsIdempotent() throws Exception {
    MedSA sam = Fixtures.samTiny();
    List<INDArray> weights = List.copyOf(sam.weights().asMap().values());
    long parameters = SamParameters.parameterCount(SamParameters.shapes(sam.config())) + gaussianElements(sam);
    long bytes = weights.stream().mapToLong(a -> a.length() * a.dataType().width()).sum();
    assertThat(bytes).isEqualTo(4 * parameters);
    EncodedImage image = sam.encode(npy("sam-tiny/image.npy"));
    image.predict(CLICK).close();
    assertThat(weights).noneMatch(INDArray::wasClosed);

    sam.close();
    long freed = weights.stream().filter(INDArray::wasClosed).mapToLong(a -> a.length() * a.dataType().width()).sum();
    assertThat(freed).isEqualTo(bytes);
    assertThat(sam.isClosed()).isTrue();
    sam.close(); // idempotent
    assertThat(sam.isClosed()).isTrue();
    image.close();
  }

  @Test
  void useAfterCloseIsAnIllegalStateException() throws Exception {
    MedSA sam = Fixtures.samTiny();
    EncodedImage image = sam.encode(npy("sam-tiny/image.npy"));
    EncodedImage other = sam.encode(npy("sam-tiny/image.npy"));
    INDArray embeddings = image.embeddings();
    image.close();
    assertThat(embeddings.wasClosed()).isTrue();
    assertThatThrownBy(() -> image.predict(CLICK)).isInstanceOf(IllegalStateException.class)
        .hasMessage("EncodedImage is closed");
    assertThatThrownBy(image::embeddings).isInstanceOf(IllegalStateException.class)
        .hasMessage("EncodedImage is closed");
    image.close(); // idempotent

    sam.close();
    assertThatThrownBy(() -> other.predict(CLICK)).isInstanceOf(IllegalStateException.class)
        .hasMessage("MedSA model is closed");
    assertThatThrownBy(() -> sam.encode(npy("sam-tiny/image.npy"))).isInstanceOf(IllegalStateException.class)
        .hasMessage("MedSA model is closed");
    assertThatThrownBy(sam::weights).isInstanceOf(IllegalStateException.class).hasMessage("MedSA model is closed");
    other.close();
  }

  @Test
  void manyThreadsShareOneSessionAndGetTheSingleThreadedResults() throws Exception {
    try (MedSA sam = Fixtures.samTiny()) {
      INDArray pixels = npy("sam-tiny/image.npy");
      EncodedImage shared = sam.encode(pixels);
      Prediction expected = shared.predict(CLICK);
      assertThat(sam.graph().sessionCount()).isZero();
      for (int threads : new int[] {4, 64}) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
          List<Future<Prediction>> results = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            // Every thread predicts; one in eight also encodes (keeps the test at a few seconds).
            boolean encodes = t % 8 == 0;
            results.add(pool.submit(() -> {
              if (!encodes) {
                return shared.predict(CLICK);
              }
              try (EncodedImage image = sam.encode(pixels)) {
                return image.predict(CLICK);
              }
            }));
          }
          for (Future<Prediction> f : results) {
            try (Prediction p = f.get()) {
              assertThat(p.logits()).isEqualTo(expected.logits());
              assertThat(p.iouPredictions()).containsExactly(expected.iouPredictions());
            }
          }
        } finally {
          pool.shutdown();
        }
        // Whatever the number of threads that called, the graph holds no per-thread session between calls.
        assertThat(sam.graph().sessionCount()).as("%s threads", threads).isZero();
      }
      expected.close();
      shared.close();
    }
  }

  /** The Gaussian matrix is a buffer, not a parameter, but it is a weight array too. */
  private static long gaussianElements(MedSA sam) {
    return sam.weights().get(SamParameters.GAUSSIAN_MATRIX).length();
  }
}
