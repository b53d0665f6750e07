package io.github.medsa.model;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.util.function.Supplier;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;

/**
 * The one execution session of a graph, with a bounded memory manager.
 *
 * <p>SameDiff keeps one session per thread id ({@code sd.getSessions()}), each with its own cache of released
 * arrays, and never drops them: a graph called from a pool of 64 threads would hold 64 sessions. Our graphs
 * serialise their calls anyway, so every call runs on this one session: {@link #run} installs it for the
 * calling thread and removes it again afterwards, so that the graph's session map is empty between calls and
 * memory does not grow with the number of threads that ever called.
 *
 * <p>By default a session caches released arrays up to a quarter of the machine's memory and everything else
 * waits for the Java collector (a ViT-B encode at 1024 pixels grew past 20 GB resident on a 24 GB machine);
 * {@link #newMemoryManager()} bounds that cache. Not thread-safe on its own: callers serialise.
 */
public final class SessionMemory implements AutoCloseable {
  /** Share of physical memory the session's array cache may hold. */
  static final double CACHE_FRACTION = 0.02;

  private final SameDiff sd;
  private InferenceSession session;
  private boolean closed;

  /** The session memory of {@code sd}; nothing is allocated before the first {@link #run}. */
  public SessionMemory(SameDiff sd) {
    this.sd = checkNotNull(sd, "sd");
  }

  /**
   * Runs {@code call} (an execution of this graph) on the graph's one session.
   *
   * @param call the execution, e.g. {@code () -> sd.output(...)}
   * @return what {@code call} returns
   * @throws IllegalStateException after {@link #close()}
   */
  public <T> T run(Supplier<T> call) {
    checkState(!closed, "the graph's session memory is closed");
    if (session == null) {
      session = new InferenceSession(sd);
      session.setMmgr(newMemoryManager());
    }
    long thread = Thread.currentThread().getId();
    sd.getSessions().put(thread, session);
    try {
      return call.get();
    } finally {
      sd.getSessions().remove(thread);
    }
  }

  /** Number of sessions the graph holds between calls (0 unless someone executes it outside {@link #run}). */
  public int sessionCount() {
    return sd.getSessions().size();
  }

  /** Frees the cached arrays of the session at once; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (session != null) {
      session.getMmgr().close();
      session = null;
    }
    sd.getSessions().clear();
  }

  /** The memory manager of every session we create: the one place to choose how released arrays are kept. */
  static SessionMemMgr newMemoryManager() {
    return new ArrayCacheMemoryMgr(CACHE_FRACTION, 1024, 2.0);
  }
}
