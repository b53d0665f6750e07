package io.github.medsa.model;

import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
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
  private final Set<INDArray> outstanding = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

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

  @Override
  public void release(INDArray array) {
    outstanding.remove(array);
    pool.give(array);
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
    Map<DataBuffer, Boolean> kept = new IdentityHashMap<>();
    for (INDArray r : results) {
      if (r != null && r.data() != null) {
        kept.put(r.data(), Boolean.TRUE);
        kept.put(r.data().originalDataBuffer() == null ? r.data() : r.data().originalDataBuffer(), Boolean.TRUE);
      }
    }
    int swept = 0;
    long sweptBytes = 0;
    for (INDArray a : outstanding) {
      DataBuffer d = a.data();
      if (d == null || kept.containsKey(d)
          || (d.originalDataBuffer() != null && kept.containsKey(d.originalDataBuffer()))) {
        continue;
      }
      sweptBytes += d.length() * d.getElementSize();
      pool.give(a);
      swept++;
    }
    outstanding.clear();
    if (swept > 0) {
      log.debug("end of call: {} arrays ({} MiB) the session had not released went back to the pool", swept,
          sweptBytes >> 20);
    }
    return swept;
  }

  private INDArray track(INDArray array) {
    outstanding.add(array);
    return array;
  }

  /** The pool outlives sessions: closing one session's manager leaves it to the other sessions. */
  @Override
  public void close() {}
}
