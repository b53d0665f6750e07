package io.github.medsa.internal.model;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory manager of one SameDiff session: allocates op outputs from the shared {@link ArrayPool} and returns
 * the arrays the session releases (their last consumer has run) to it.
 *
 * <p>It also remembers every array it handed out and that the session has not released yet. SameDiff M2.1 does
 * not release everything: some intermediates stay with the session after a call, and the gradient function
 * releases nothing unless its cache is enabled. {@link #sweep} hands those back to the pool at the end of a call,
 * so native memory never waits for the Java collector.
 */
final class PooledMemoryMgr extends AbstractMemoryMgr {
  private static final Logger log = LoggerFactory.getLogger(PooledMemoryMgr.class);

  private final ArrayPool pool;
  /** Arrays allocated during the current call and not released yet, by identity. */
  private final Set<INDArray> outstanding = Collections.newSetFromMap(new IdentityHashMap<>());
  /** Arrays of this call taken back by {@link #releaseEarly}, whose release by the session is ignored. */
  private final Set<INDArray> releasedEarly = Collections.newSetFromMap(new IdentityHashMap<>());
  /** Bytes of the arrays in {@link #outstanding}, and their most during the current call. */
  private long liveBytes;
  private long peakLiveBytes;

  PooledMemoryMgr(ArrayPool pool) {
    this.pool = pool;
  }

  @Override
  public INDArray allocate(boolean detached, DataType dataType, long... shape) {
    return track(pool.take(dataType, shape, 'c'));
  }

  @Override
  public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
    if (descriptor.isEmpty()) {
      return Nd4j.create(descriptor); // no buffer to pool
    }
    return track(pool.take(descriptor.dataType(), descriptor.getShape(), descriptor.getOrder()));
  }

  /**
   * The session releases an array: it goes back to the pool if it was allocated in this call and is not released
   * yet. The session's late release of an array that {@link #releaseEarly} already took back is ignored (the pool
   * may have handed that array object out again since), and so is anything else: an array this manager did not
   * hand out in this call is not ours to reuse.
   */
  @Override
  public void release(INDArray array) {
    if (!releasedEarly.remove(array) && outstanding.remove(array)) {
      liveBytes -= ArrayPool.bytesOf(array);
      pool.give(array);
    }
  }

  /**
   * Takes back an array of this call whose last reader has run (see {@link LastUseReleaser}); nothing happens if
   * it is not outstanding.
   */
  void releaseEarly(INDArray array) {
    if (outstanding.remove(array)) {
      liveBytes -= ArrayPool.bytesOf(array);
      releasedEarly.add(array);
      pool.give(array);
    }
  }

  /**
   * Ends a call: every array allocated since the last sweep and still held is dead unless it (or an array over
   * the same buffer) is one of the call's {@code results}, which become the caller's. The dead ones go back to
   * the pool.
   *
   * @param results the arrays the call returns
   * @return how many arrays went back to the pool
   */
  int sweep(Collection<INDArray> results) {
    Set<DataBuffer> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    for (INDArray r : results) {
      if (r != null && r.data() != null) {
        kept.add(r.data());
        if (r.data().originalDataBuffer() != null) {
          kept.add(r.data().originalDataBuffer());
        }
      }
    }
    int swept = 0;
    long sweptBytes = 0;
    for (INDArray a : outstanding) {
      DataBuffer d = a.data();
      if (d == null || kept.contains(d) || (d.originalDataBuffer() != null && kept.contains(d.originalDataBuffer()))) {
        continue;
      }
      sweptBytes += ArrayPool.bytesOf(a);
      if (log.isTraceEnabled()) {
        log.trace("not released by the session: {} {}", a.dataType(), java.util.Arrays.toString(a.shape()));
      }
      pool.give(a);
      swept++;
    }
    outstanding.clear();
    releasedEarly.clear();
    if (log.isDebugEnabled()) {
      log.debug("end of call: at most {} MiB of intermediates alive at once; {} arrays ({} MiB) the session had "
          + "not released went back to the pool; pool {}", peakLiveBytes >> 20, swept, sweptBytes >> 20,
          pool.stats());
    }
    liveBytes = 0;
    peakLiveBytes = 0;
    return swept;
  }

  private INDArray track(INDArray array) {
    if (outstanding.add(array)) {
      liveBytes += ArrayPool.bytesOf(array);
      peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
    }
    return array;
  }

  /** The pool outlives sessions: closing one session's manager leaves it to the other sessions. */
  @Override
  public void close() {}
}
