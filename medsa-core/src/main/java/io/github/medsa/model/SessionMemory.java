package io.github.medsa.model;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;

/**
 * Gives SameDiff sessions a memory manager that reuses dead intermediates, large ones included, through one
 * process-wide bounded {@link ArrayPool}. SameDiff's default cache matches arrays by exact shape and closes every
 * array larger than its cap, so the large intermediates of a ViT-B encode were allocated afresh, as fresh
 * zeroed pages, at every op (see docs/benchmarks.md).
 *
 * <p>The bound on free pooled bytes is the system property {@value #POOL_BYTES_PROPERTY} if set, else a quarter
 * of JavaCPP's off-heap limit ({@code org.bytedeco.javacpp.maxbytes}, by default the Java heap limit).
 */
public final class SessionMemory {
  /** System property: the most bytes of free intermediates kept for reuse (all sessions together). */
  public static final String POOL_BYTES_PROPERTY = "medsa.arrayPool.bytes";
  /** Share of JavaCPP's off-heap limit the pool may keep when the property is not set. */
  static final double POOL_FRACTION = 0.25;

  private static final ArrayPool POOL = new ArrayPool(defaultBound());

  private SessionMemory() {}

  /** Gives the calling thread's session of {@code sd} the pooled memory manager (once per thread). */
  public static void bound(SameDiff sd) {
    long thread = Thread.currentThread().getId();
    InferenceSession session = sd.getSessions().get(thread);
    if (session != null && session.getMmgr() instanceof PooledMemoryMgr) {
      return;
    }
    InferenceSession pooled = new InferenceSession(sd);
    pooled.setMmgr(new PooledMemoryMgr(POOL));
    sd.getSessions().put(thread, pooled);
  }

  /** Frees, at once, the native memory of every intermediate the pool keeps for reuse. */
  public static void releasePooled() {
    POOL.clear();
  }

  static ArrayPool pool() {
    return POOL;
  }

  private static long defaultBound() {
    String set = System.getProperty(POOL_BYTES_PROPERTY);
    if (set != null) {
      try {
        return Long.parseLong(set.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(POOL_BYTES_PROPERTY + " must be a byte count, got '" + set + "'", e);
      }
    }
    return (long) (POOL_FRACTION * Pointer.maxBytes());
  }
}
