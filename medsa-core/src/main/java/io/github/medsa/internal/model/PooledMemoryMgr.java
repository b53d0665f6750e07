package io.github.medsa.internal.model;

import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The memory manager of one SameDiff session: allocates op outputs from the shared {@link ArrayPool} and returns
 * the arrays the session releases (their last consumer has run) to it.
 */
final class PooledMemoryMgr extends AbstractMemoryMgr {
  private final ArrayPool pool;

  PooledMemoryMgr(ArrayPool pool) {
    this.pool = pool;
  }

  @Override
  public INDArray allocate(boolean detached, DataType dataType, long... shape) {
    return pool.take(dataType, shape, 'c');
  }

  @Override
  public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
    if (descriptor.isEmpty()) {
      return Nd4j.create(descriptor); // no buffer to pool
    }
    return pool.take(descriptor.dataType(), descriptor.getShape(), descriptor.getOrder());
  }

  @Override
  public void release(INDArray array) {
    pool.give(array);
  }

  /** The pool outlives sessions: closing one session's manager leaves it to the other sessions. */
  @Override
  public void close() {}
}
