package io.github.medsa.internal.model;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A bounded pool of native array buffers that graph executions hand back when an intermediate is dead, and take
 * again for the next intermediate of the same data type and element count, whatever its shape.
 *
 * <p>Why: SameDiff M2.1's {@code ArrayCacheMemoryMgr} matches released arrays by exact shape and closes every
 * array larger than its whole cache, so the large intermediates (attention scores, MLP hidden states) are freed
 * and allocated afresh at every op. glibc serves blocks above 32 MB with {@code mmap}, so each of them is fresh,
 * zeroed memory that the kernel faults in page by page: millions of minor faults and more system than user time
 * per ViT-B encode (see docs/benchmarks.md). This pool keeps large buffers too, up to {@link #maxBytes()} bytes in
 * all, and closes the least recently released buffers beyond that bound, so memory is freed without the Java
 * collector. Thread-safe: all sessions of the process share one pool and one bound.
 *
 * <p>A request that no free buffer matches exactly borrows the smallest free buffer of up to {@link #LEND_RATIO}
 * times its size, through an array over the buffer's first bytes. Without that, a buffer is only reused for its
 * own element count: a model whose stages have different sizes (TinyViT) keeps each stage's buffers idle while
 * the others run, and the pool held four times the call's peak of live intermediates (measured: 884 MiB against
 * 216 MiB per TinyViT encode; 383 MiB with lending). A borrowing array is never handed to the caller: {@link #owned} copies results
 * that are.
 */
final class ArrayPool {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ArrayPool.class);

  /**
   * How much larger than a request a free buffer may be and still be lent to it. Measured on a TinyViT 1024
   * encode: 2 leaves 509 MiB in the pool, 4 leaves 468 MiB, 16 leaves 383 MiB, with the same time per encode.
   */
  static final double LEND_RATIO = 16;

  private final long maxBytes;
  /** Free buffers by data type and element count; deques keep the most recently released last. */
  private final Map<Key, ArrayDeque<Entry>> free = new HashMap<>();
  /** The same free buffers by size in bytes, for lending. */
  private final TreeMap<Long, ArrayDeque<Entry>> freeBySize = new TreeMap<>();
  /** Buffers lent to smaller arrays: the borrowing array's buffer to the lender. */
  private final Map<DataBuffer, Entry> lent = new IdentityHashMap<>();
  /** All pooled arrays, least recently released first: the eviction order. */
  private final LinkedHashSet<Entry> lru = new LinkedHashSet<>();
  /** The buffers in the pool, by identity, to refuse a second release of the same buffer. */
  private final Map<DataBuffer, Boolean> pooledBuffers = new IdentityHashMap<>();
  private long pooledBytes;
  private long hits;
  private long lends;
  private long misses;
  private long closed;

  /** @param maxBytes the most bytes the pool may keep while they are free (0 pools nothing) */
  ArrayPool(long maxBytes) {
    checkArgument(maxBytes >= 0, "pool bound must be >= 0 bytes, got %s", maxBytes);
    this.maxBytes = maxBytes;
  }

  /**
   * A C- or F-ordered array of {@code shape}, over a pooled buffer of the same length when there is one, else
   * fresh uninitialised native memory. Its contents are undefined.
   */
  synchronized INDArray take(DataType type, long[] shape, char order) {
    long length = lengthOf(shape);
    ArrayDeque<Entry> candidates = free.get(new Key(type, length));
    Entry entry = candidates == null ? null : candidates.peekLast();
    if (entry == null) {
      return lend(type, shape, order, length);
    }
    INDArray pooled = unpool(entry);
    hits++;
    if (pooled.ordering() == order && java.util.Arrays.equals(pooled.shape(), shape)) {
      // A new id breaks any link the array had with the previous execution's tracker (as SameDiff's cache does).
      ((BaseNDArray) pooled).assignNewId();
      return pooled;
    }
    // Same buffer, new shape: a fresh array header over the whole buffer (not a view: offset 0, full length).
    return Nd4j.create(pooled.data(), shape, Nd4j.getStrides(shape, order), 0, order);
  }

  /** Serves a request no free buffer matches exactly: the smallest fitting free buffer, else fresh memory. */
  private INDArray lend(DataType type, long[] shape, char order, long length) {
    long bytes = length * type.width();
    Map.Entry<Long, ArrayDeque<Entry>> fit = bytes == 0 ? null : freeBySize.ceilingEntry(bytes);
    if (fit == null || fit.getKey() > LEND_RATIO * bytes) {
      misses++;
      return Nd4j.createUninitializedDetached(type, order, shape);
    }
    INDArray lender = unpool(fit.getValue().peekLast());
    DataBuffer borrowed = Nd4j.createBuffer(lender.data().addressPointer(), length, type);
    lent.put(borrowed, new Entry(lender, new Key(lender.dataType(), lender.length())));
    lends++;
    return Nd4j.create(borrowed, shape, Nd4j.getStrides(shape, order), 0, order);
  }

  /** Removes a free entry from every index and returns its array. */
  private INDArray unpool(Entry entry) {
    free.get(entry.key).remove(entry);
    long bytes = bytesOf(entry.array);
    ArrayDeque<Entry> sameSize = freeBySize.get(bytes);
    sameSize.remove(entry);
    if (sameSize.isEmpty()) {
      freeBySize.remove(bytes);
    }
    lru.remove(entry);
    pooledBuffers.remove(entry.array.data());
    pooledBytes -= bytes;
    return entry.array;
  }

  /**
   * Results of a call as the caller may keep them: a result over a lent buffer (or a view of one) is replaced by
   * a copy in memory of its own, and the lent buffers go back to the pool once every result is copied.
   *
   * @param results the call's results by name; replaced in place
   */
  synchronized void owned(Map<String, INDArray> results) {
    Map<DataBuffer, Boolean> returned = new IdentityHashMap<>();
    for (Map.Entry<String, INDArray> r : results.entrySet()) {
      DataBuffer borrowed = borrowedBuffer(r.getValue());
      if (borrowed != null) {
        INDArray a = r.getValue();
        r.setValue(Nd4j.createUninitializedDetached(a.dataType(), a.ordering(), a.shape()).assign(a));
        returned.put(borrowed, Boolean.TRUE);
      }
    }
    for (DataBuffer borrowed : returned.keySet()) {
      Entry lender = lent.remove(borrowed);
      pool(lender.array);
    }
  }

  /** The lent buffer {@code a} is over, or null. */
  private DataBuffer borrowedBuffer(INDArray a) {
    if (a == null || a.data() == null) {
      return null;
    }
    if (lent.containsKey(a.data())) {
      return a.data();
    }
    DataBuffer original = a.data().originalDataBuffer();
    return original != null && lent.containsKey(original) ? original : null;
  }

  /**
   * Takes back a dead array: its buffer is pooled if the array owns it alone, else the array is closed (or left
   * to its owner when it is a view). Least recently released buffers are closed to stay within the bound. A
   * borrowing array gives its lender back.
   */
  synchronized void give(INDArray array) {
    DataBuffer data = array.data();
    Entry lender = data == null ? null : lent.get(data);
    if (lender != null) {
      if (Nd4j.getExecutioner().useCount(data) <= 1) { // else a view still reads it: left to the collector
        lent.remove(data);
        pool(lender.array);
      }
      return;
    }
    if (data == null || array.isEmpty() || array.isView() || !array.closeable()
        || array.dataType() == DataType.UTF8 || data.length() != array.length()
        || Nd4j.getExecutioner().useCount(data) > 1 || bytesOf(array) > maxBytes) {
      if (log.isTraceEnabled()) {
        log.trace("not pooled: view {} closeable {} length {}/{} uses {}", array.isView(), array.closeable(),
            array.length(), data == null ? -1 : data.length(),
            data == null ? -1 : Nd4j.getExecutioner().useCount(data));
      }
      close(array);
      return;
    }
    if (pooledBuffers.containsKey(data)) {
      return; // released twice (through two headers of one buffer): already pooled
    }
    pool(array);
  }

  /** Adds a buffer nobody uses to the free ones, closing the least recently released beyond the bound. */
  private void pool(INDArray array) {
    DataBuffer data = array.data();
    long bytes = bytesOf(array);
    Iterator<Entry> oldest = lru.iterator();
    while (pooledBytes + bytes > maxBytes && oldest.hasNext()) {
      Entry e = oldest.next();
      close(unpool(e));
      oldest = lru.iterator();
    }
    if (bytes > maxBytes) {
      close(array);
      return;
    }
    Entry entry = new Entry(array, new Key(array.dataType(), array.length()));
    free.computeIfAbsent(entry.key, k -> new ArrayDeque<>()).addLast(entry);
    freeBySize.computeIfAbsent(bytes, k -> new ArrayDeque<>()).addLast(entry);
    lru.add(entry);
    pooledBuffers.put(data, Boolean.TRUE);
    pooledBytes += bytes;
  }

  /** Closes every pooled buffer now (their native memory is freed at once). */
  synchronized void clear() {
    for (Entry e : lru) {
      close(e.array);
    }
    lru.clear();
    free.clear();
    freeBySize.clear();
    pooledBuffers.clear();
    pooledBytes = 0;
  }

  /** The bound on free pooled bytes. */
  long maxBytes() {
    return maxBytes;
  }

  /** A snapshot of the counters. */
  synchronized Stats stats() {
    return new Stats(hits, lends, misses, closed, lru.size(), pooledBytes, lent.size());
  }

  private void close(INDArray array) {
    if (array.closeable()) {
      array.close();
      closed++;
    }
  }

  /** Bytes of {@code a}'s buffer (0 for an array without one). */
  static long bytesOf(INDArray a) {
    DataBuffer d = a.data();
    return d == null ? 0 : d.length() * d.getElementSize();
  }

  private static long lengthOf(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  private record Key(DataType type, long length) {}

  /** A pooled array; equal only to itself (INDArray's own equals compares contents). */
  private static final class Entry {
    final INDArray array;
    final Key key;

    Entry(INDArray array, Key key) {
      this.array = array;
      this.key = key;
    }
  }

  /**
   * Pool counters since creation.
   *
   * @param hits allocations served from the pool by a buffer of their own size
   * @param lends allocations served by lending a larger free buffer
   * @param misses allocations that took fresh native memory
   * @param closed arrays closed (released but not pooled, or evicted, or cleared)
   * @param pooledArrays free arrays in the pool now
   * @param pooledBytes bytes of the free arrays in the pool now
   * @param lentBuffers buffers lent to smaller arrays now
   */
  record Stats(long hits, long lends, long misses, long closed, int pooledArrays, long pooledBytes,
      int lentBuffers) {}
}
