package io.github.medsa.model;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;

/**
 * Bounds what SameDiff keeps of the arrays a graph execution no longer needs. By default each thread's session
 * caches released arrays up to a quarter of the machine's memory, and everything else waits for the Java
 * collector, so a ViT-B encode at 1024 pixels grew past 20 GB resident on a 24 GB machine. With a small cache the
 * session closes released arrays at once.
 */
public final class SessionMemory {
  /** Share of physical memory the per-thread array cache may hold. */
  static final double CACHE_FRACTION = 0.02;

  private SessionMemory() {}

  /** Gives the calling thread's session of {@code sd} a small array cache (once per thread). */
  public static void bound(SameDiff sd) {
    long thread = Thread.currentThread().getId();
    InferenceSession session = sd.getSessions().get(thread);
    if (session != null && session.getMmgr() instanceof Bounded) {
      return;
    }
    InferenceSession bounded = new InferenceSession(sd);
    bounded.setMmgr(new Bounded());
    sd.getSessions().put(thread, bounded);
  }

  /** Marks the memory manager as ours so that {@link #bound} installs it once. */
  private static final class Bounded extends ArrayCacheMemoryMgr {
    Bounded() {
      super(CACHE_FRACTION, 1024, 2.0);
    }
  }
}
