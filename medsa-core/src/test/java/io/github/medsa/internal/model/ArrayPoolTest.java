package io.github.medsa.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ArrayPoolTest {
  private static final long FLOATS_12 = 12 * 4;

  @Test
  void reusesAReleasedBufferForAnyShapeOfTheSameLength() {
    ArrayPool pool = new ArrayPool(1 << 20);
    INDArray a = pool.take(DataType.FLOAT, new long[] {3, 4}, 'c');
    a.assign(7f);
    pool.give(a);
    assertThat(pool.stats()).isEqualTo(new ArrayPool.Stats(0, 0, 1, 0, 1, FLOATS_12, 0));

    INDArray b = pool.take(DataType.FLOAT, new long[] {2, 6}, 'c');
    assertThat(b.shape()).containsExactly(2, 6);
    assertThat(b.data().getFloat(0)).isEqualTo(7f); // the same buffer, not fresh memory
    assertThat(b.isView()).isFalse();
    INDArray c = pool.take(DataType.FLOAT, new long[] {12}, 'c'); // pool now empty: fresh
    assertThat(pool.stats()).isEqualTo(new ArrayPool.Stats(1, 0, 2, 0, 0, 0, 0));
    assertThat(c.data()).isNotSameAs(b.data());
  }

  @Test
  void doesNotMixDataTypesOrLengths() {
    ArrayPool pool = new ArrayPool(1 << 20);
    pool.give(pool.take(DataType.FLOAT, new long[] {12}, 'c'));
    pool.take(DataType.DOUBLE, new long[] {12}, 'c');
    pool.take(DataType.FLOAT, new long[] {13}, 'c');
    assertThat(pool.stats()).isEqualTo(new ArrayPool.Stats(0, 0, 3, 0, 1, FLOATS_12, 0));
  }

  @Test
  void closesTheLeastRecentlyReleasedToStayWithinTheBound() {
    ArrayPool pool = new ArrayPool(2 * FLOATS_12);
    INDArray first = pool.take(DataType.FLOAT, new long[] {12}, 'c');
    INDArray second = pool.take(DataType.FLOAT, new long[] {12}, 'c');
    INDArray third = pool.take(DataType.FLOAT, new long[] {12}, 'c');
    pool.give(first);
    pool.give(second);
    pool.give(third);
    assertThat(first.wasClosed()).isTrue();
    assertThat(second.wasClosed()).isFalse();
    assertThat(pool.stats()).isEqualTo(new ArrayPool.Stats(0, 0, 3, 1, 2, 2 * FLOATS_12, 0));
  }

  @Test
  void closesWhatIsLargerThanTheWholeBoundAndViewsAreLeftToTheirOwner() {
    ArrayPool pool = new ArrayPool(FLOATS_12);
    INDArray big = pool.take(DataType.FLOAT, new long[] {13}, 'c');
    pool.give(big);
    assertThat(big.wasClosed()).isTrue();
    INDArray owner = Nd4j.create(DataType.FLOAT, 4, 3);
    INDArray view = owner.getRow(1);
    pool.give(view);
    assertThat(owner.wasClosed()).isFalse();
    assertThat(pool.stats()).isEqualTo(new ArrayPool.Stats(0, 0, 1, 1, 0, 0, 0));
  }

  @Test
  void clearClosesEveryPooledBuffer() {
    ArrayPool pool = new ArrayPool(1 << 20);
    INDArray a = pool.take(DataType.FLOAT, new long[] {12}, 'c');
    pool.give(a);
    pool.give(a); // a second release of the same buffer is ignored
    assertThat(pool.stats().pooledArrays()).isEqualTo(1);
    pool.clear();
    assertThat(a.wasClosed()).isTrue();
    assertThat(pool.stats()).isEqualTo(new ArrayPool.Stats(0, 0, 1, 1, 0, 0, 0));
  }

  @Test
  void lendsTheSmallestFreeBufferThatFitsAndTakesItBack() {
    ArrayPool pool = new ArrayPool(1 << 20);
    INDArray small = pool.take(DataType.FLOAT, new long[] {12}, 'c');
    INDArray large = pool.take(DataType.FLOAT, new long[] {40}, 'c');
    pool.give(large);
    pool.give(small);

    INDArray ten = pool.take(DataType.FLOAT, new long[] {2, 5}, 'c'); // 40 bytes: the 48-byte buffer
    assertThat(ten.data().address()).isEqualTo(small.data().address());
    assertThat(ten.isView()).isFalse(); // its own buffer header of exactly its length
    assertThat(ten.shape()).containsExactly(2, 5);
    INDArray thirty = pool.take(DataType.INT, new long[] {30}, 'c'); // 120 bytes: the 160-byte one, any type
    assertThat(thirty.data().address()).isEqualTo(large.data().address());
    INDArray four = pool.take(DataType.FLOAT, new long[] {4}, 'c'); // nothing free: fresh
    assertThat(pool.stats()).isEqualTo(new ArrayPool.Stats(0, 2, 3, 0, 0, 0, 2));

    pool.give(ten);
    pool.give(thirty);
    assertThat(small.wasClosed()).isFalse();
    assertThat(pool.stats()).isEqualTo(new ArrayPool.Stats(0, 2, 3, 0, 2, FLOATS_12 + 40 * 4, 0));
    assertThat(pool.take(DataType.FLOAT, new long[] {12}, 'c').data().address()).isEqualTo(small.data().address());
    assertThat(four.data().address()).isNotEqualTo(small.data().address());
  }

  @Test
  void doesNotLendABufferMoreThanSixteenTimesTheSize() {
    assertThat(ArrayPool.LEND_RATIO).isEqualTo(16);
    ArrayPool pool = new ArrayPool(1 << 20);
    pool.give(pool.take(DataType.FLOAT, new long[] {200}, 'c'));
    pool.take(DataType.FLOAT, new long[] {12}, 'c'); // 48 bytes: the free 800 bytes are more than 16 times that
    pool.take(DataType.FLOAT, new long[] {13}, 'c'); // 52 bytes: 800 is at most 16 times that
    assertThat(pool.stats()).isEqualTo(new ArrayPool.Stats(0, 1, 2, 0, 0, 0, 1));
  }

  @Test
  void resultsOverALentBufferAreCopiedAndTheBufferReturns() {
    ArrayPool pool = new ArrayPool(1 << 20);
    INDArray lender = pool.take(DataType.FLOAT, new long[] {12}, 'c');
    pool.give(lender);
    INDArray borrowed = pool.take(DataType.FLOAT, new long[] {2, 4}, 'c').assign(Nd4j.arange(8).reshape(2, 4));
    INDArray own = Nd4j.ones(DataType.FLOAT, 3);
    Map<String, INDArray> results = new java.util.LinkedHashMap<>(Map.of("borrowed", borrowed, "own", own));

    pool.owned(results);

    assertThat(results.get("own")).isSameAs(own);
    INDArray copy = results.get("borrowed");
    assertThat(copy.data().address()).isNotEqualTo(lender.data().address());
    assertThat(copy.ravel().toFloatVector()).containsExactly(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f);
    assertThat(copy.shape()).containsExactly(2, 4);
    assertThat(pool.stats()).isEqualTo(new ArrayPool.Stats(0, 1, 1, 0, 1, FLOATS_12, 0));
  }

  @Test
  void rejectsANegativeBound() {
    assertThatThrownBy(() -> new ArrayPool(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pool bound must be >= 0 bytes, got -1");
  }

  @Test
  void aGraphRunTwiceReusesItsIntermediatesAndComputesTheSameValues() {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("x", DataType.FLOAT, 4, 8);
    SDVariable w = sd.constant("w", Nd4j.arange(64).castTo(DataType.FLOAT).div(32).sub(1).reshape(8, 8));
    SDVariable h = sd.nn().relu(x.mmul(w), 0).mul(2.0).add(1.0);
    sd.identity("y", h.mmul(w).sub(h.mmul(w).mul(0.5)));
    ArrayPool pool = new ArrayPool(1 << 20);
    sd.getSessions().put(Thread.currentThread().getId(), newSession(sd, pool));
    INDArray in = Nd4j.arange(32).castTo(DataType.FLOAT).div(10).reshape(4, 8);
    INDArray expected = Nd4j.nn().relu(in.mmul(w.getArr()), 0).mul(2.0).add(1.0).mmul(w.getArr()).mul(0.5);

    INDArray first = sd.output(Map.of("x", in), "y").get("y").dup();
    // 8 op outputs: 4 reuse buffers released earlier in the same run, 1 buffer is left in the pool at the end.
    assertThat(pool.stats()).isEqualTo(new ArrayPool.Stats(4, 0, 4, 0, 1, 8 * 4 * 4, 0));
    INDArray second = sd.output(Map.of("x", in), "y").get("y");

    assertThat(first.equalsWithEps(expected, 1e-5)).isTrue();
    assertThat(second.equalsWithEps(expected, 1e-5)).isTrue();
    // The second run repeats the first: the pool does not grow. (The 3 arrays per run that the session never
    // releases, besides the output, are SameDiff's: they are left to the collector, see docs/benchmarks.md.)
    assertThat(pool.stats()).isEqualTo(new ArrayPool.Stats(8, 0, 8, 0, 1, 8 * 4 * 4, 0));
  }

  private static org.nd4j.autodiff.samediff.internal.InferenceSession newSession(SameDiff sd, ArrayPool pool) {
    org.nd4j.autodiff.samediff.internal.InferenceSession s =
        new org.nd4j.autodiff.samediff.internal.InferenceSession(sd);
    s.setMmgr(new PooledMemoryMgr(pool));
    return s;
  }
}
