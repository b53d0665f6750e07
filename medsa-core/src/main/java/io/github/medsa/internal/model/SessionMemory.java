package io.github.medsa.internal.model;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one execution session of a graph, with a bounded memory manager.
 *
 * <p>SameDiff keeps one session per thread id ({@code sd.getSessions()}), each with its own cache of released
 * arrays, and never drops them: a graph called from a pool of 64 threads would hold 64 sessions. Our graphs
 * serialise their calls anyway, so every call runs on this one session: {@link #runForOutputs} installs it for the
 * calling thread and removes it again afterwards, so that the graph's session map is empty between calls and
 * memory does not grow with the number of threads that ever called.
 *
 * <p>Sessions get a memory manager that reuses dead intermediates, large ones included, through one
 * process-wide bounded {@link ArrayPool}. SameDiff's default cache matches arrays by exact shape and closes every
 * array larger than its cap, so the large intermediates of a ViT-B encode were allocated afresh, as fresh
 * zeroed pages, at every op (see docs/benchmarks.md). The bound on free pooled bytes is the system property
 * {@value #POOL_BYTES_PROPERTY} if set, else half of JavaCPP's off-heap limit
 * ({@code org.bytedeco.javacpp.maxbytes}, by default the Java heap limit). Not thread-safe on its own: callers
 * serialise.
 */
public final class SessionMemory implements AutoCloseable {
  /** System property: the most bytes of free intermediates kept for reuse (all sessions together). */
  public static final String POOL_BYTES_PROPERTY = "medsa.arrayPool.bytes";
  /** Share of JavaCPP's off-heap limit the pool may keep when the property is not set. */
  static final double POOL_FRACTION = 0.5;

  private static final ArrayPool POOL = new ArrayPool(defaultBound());

  private final SameDiff sd;
  private InferenceSession session;
  private PooledMemoryMgr memoryManager;
  private LastUseReleaser releaser;
  private boolean closed;

  /**
   * The session memory of {@code sd}; nothing is allocated before the first {@link #runForOutputs}.
   *
   * @param sd the graph whose executions this memory serves
   */
  public SessionMemory(SameDiff sd) {
    this.sd = checkNotNull(sd, "sd");
  }

  /**
   * Runs {@code call} (an execution of this graph that computes {@code outputs}) on the graph's one session. Each
   * intermediate goes back to the pool as soon as the last op of the call that reads it has run, and at the end
   * every array the call allocated goes back except the returned ones, so that nothing waits for the Java
   * collector.
   *
   * @param <T> what the execution returns
   * @param outputs the names of the variables the call computes (never released)
   * @param call the execution, e.g. {@code () -> sd.output(..., outputs)}
   * @param results the arrays of what {@code call} returns (they become the caller's to free)
   * @return what {@code call} returns
   * @throws IllegalStateException after {@link #close()}
   */
  private <T> T run(Collection<String> outputs, Supplier<T> call,
      Function<? super T, ? extends Collection<INDArray>> results) {
    checkState(!closed, "the graph's session memory is closed");
    if (session == null) {
      memoryManager = new PooledMemoryMgr(POOL);
      session = new InferenceSession(sd);
      session.setMmgr(memoryManager);
      releaser = new LastUseReleaser(sd, memoryManager);
      sd.addListeners(releaser);
    }
    long thread = Thread.currentThread().getId();
    sd.getSessions().put(thread, session);
    releaser.begin(outputs);
    T value = null;
    try {
      value = call.get();
      return value;
    } finally {
      releaser.end();
      sd.getSessions().remove(thread);
      memoryManager.sweep(value == null ? List.of() : results.apply(value));
    }
  }

  /**
   * Runs {@code call} (an {@code sd.output} of this graph) on the graph's one session. Each intermediate goes
   * back to the pool as soon as the last op of the call that reads it has run, and at the end every array the
   * call allocated goes back except the returned ones (copied into memory of their own if they borrowed a pooled
   * buffer), so that nothing waits for the Java collector.
   *
   * @param outputs the names of the variables the call computes
   * @param call the execution
   * @return the outputs by name, the caller's to free
   * @throws IllegalStateException after {@link #close()}
   */
  public Map<String, INDArray> runForOutputs(Collection<String> outputs, Supplier<Map<String, INDArray>> call) {
    Map<String, INDArray> results = new LinkedHashMap<>(run(outputs, call, Map::values));
    POOL.owned(results);
    return results;
  }

  /**
   * Number of sessions the graph holds between calls (0 unless someone executes it outside
   * {@link #runForOutputs}).
   *
   * @return the number of sessions held
   */
  public int sessionCount() {
    return sd.getSessions().size();
  }

  /**
   * Drops the session at once and frees the pool's free buffers (other graphs simply allocate afresh); idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (session != null) {
      memoryManager.close();
      sd.getListeners().remove(releaser);
      session = null;
      memoryManager = null;
      releaser = null;
    }
    sd.getSessions().clear();
    POOL.clear();
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
