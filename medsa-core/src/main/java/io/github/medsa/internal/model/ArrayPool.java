package io.github.medsa.internal.model;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
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
 */
final class ArrayPool {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ArrayPool.class);

  private final long maxBytes;
  /** Free buffers by data type and element count; deques keep the most recently released last. */
  private final Map<Key, ArrayDeque<Entry>> free = new HashMap<>();
  /** All pooled arrays, least recently released first: the eviction order. */
  private final LinkedHashSet<Entry> lru = new LinkedHashSet<>();
  /** The buffers in the pool, by identity, to refuse a second release of the same buffer. */
  private final Map<DataBuffer, Boolean> pooledBuffers = new IdentityHashMap<>();
  private long pooledBytes;
  private long hits;
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
    Entry entry = candidates == null ? null : candidates.pollLast();
    if (entry == null) {
      misses++;
      return Nd4j.createUninitializedDetached(type, order, shape);
    }
    lru.remove(entry);
    INDArray pooled = entry.array;
    pooledBuffers.remove(pooled.data());
    pooledBytes -= bytesOf(pooled);
    hits++;
    if (pooled.ordering() == order && java.util.Arrays.equals(pooled.shape(), shape)) {
      // A new id breaks any link the array had with the previous execution's tracker (as SameDiff's cache does).
      ((BaseNDArray) pooled).assignNewId();
      return pooled;
    }
    // Same buffer, new shape: a fresh array header over the whole buffer (not a view: offset 0, full length).
    return Nd4j.create(pooled.data(), shape, Nd4j.getStrides(shape, order), 0, order);
  }

  /**
   * Takes back a dead array: its buffer is pooled if the array owns it alone, else the array is closed (or left
   * to its owner when it is a view). Least recently released buffers are closed to stay within the bound.
   */
  synchronized void give(INDArray array) {
    DataBuffer data = array.data();
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
    long bytes = bytesOf(array);
    Iterator<Entry> oldest = lru.iterator();
    while (pooledBytes + bytes > maxBytes && oldest.hasNext()) {
      Entry e = oldest.next();
      oldest.remove();
      free.get(e.key).remove(e);
      pooledBuffers.remove(e.array.data());
      pooledBytes -= bytesOf(e.array);
      close(e.array);
    }
    Entry entry = new Entry(array, new Key(array.dataType(), array.length()));
    free.computeIfAbsent(entry.key, k -> new ArrayDeque<>()).addLast(entry);
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
    pooledBuffers.clear();
    pooledBytes = 0;
  }

  /** The bound on free pooled bytes. */
  long maxBytes() {
    return maxBytes;
  }

  /** A snapshot of the counters. */
  synchronized Stats stats() {
    return new Stats(hits, misses, closed, lru.size(), pooledBytes);
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
   * @param hits allocations served from the pool
   * @param misses allocations that took fresh native memory
   * @param closed arrays closed (released but not pooled, or evicted, or cleared)
   * @param pooledArrays free arrays in the pool now
   * @param pooledBytes bytes of the free arrays in the pool now
   */
  record Stats(long hits, long misses, long closed, int pooledArrays, long pooledBytes) {}
}
