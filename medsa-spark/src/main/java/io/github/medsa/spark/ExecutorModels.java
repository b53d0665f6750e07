package io.github.medsa.spark;

import io.github.medsa.MedSA;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of this JVM (one Spark executor, or the driver in local mode): built lazily on the first task that
 * needs a {@link ModelSpec}, then shared by every later task and every task running concurrently (a {@link MedSA}
 * is safe to share: its graph calls are serialised). Closed by {@link MedSAPlugin}'s executor shutdown, or by a
 * JVM shutdown hook when the plugin is not configured.
 */
final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private static final Map<ModelSpec, MedSA> MODELS = new HashMap<>();
  private static final AtomicInteger BUILT = new AtomicInteger();
  private static boolean hookInstalled;

  private ExecutorModels() {}

  /** Fetches a local copy of a spec's checkpoint into a directory of its own; at most once per spec and JVM. */
  interface CheckpointFetcher {
    Path fetch() throws IOException;
  }

  /**
   * The model of {@code spec}, built from {@code fetcher}'s file on first use. Building holds the lock, so tasks
   * starting together wait for one build rather than each building their own.
   */
  static synchronized MedSA get(ModelSpec spec, CheckpointFetcher fetcher) throws IOException {
    MedSA model = MODELS.get(spec);
    if (model == null) {
      long start = System.nanoTime();
      Path local = fetcher.fetch();
      try {
        model = spec.build(local);
      } finally {
        HadoopFiles.deleteLocal(local.getParent()); // the weights are in memory now
      }
      MODELS.put(spec, model);
      BUILT.incrementAndGet();
      installShutdownHook();
      LOG.info("built the model of {} in {} s", spec.checkpoint(), (System.nanoTime() - start) / 1e9);
    }
    return model;
  }

  /** How many models this JVM has built since it started (tests prove one build per JVM with it). */
  static int built() {
    return BUILT.get();
  }

  /** How many models are open now. */
  static synchronized int open() {
    return MODELS.size();
  }

  /** Closes every model (when the model type owns native memory) and forgets them; the next task rebuilds. */
  static void closeAll() {
    List<Object> closing;
    synchronized (ExecutorModels.class) {
      closing = new ArrayList<>(MODELS.values());
      MODELS.clear();
    }
    for (Object model : closing) { // Object: MedSA is final and may not implement AutoCloseable yet
      if (model instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("closing a model failed", e);
        }
      }
    }
  }

  private static void installShutdownHook() {
    if (!hookInstalled) {
      hookInstalled = true;
      Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "medsa-spark-close-models"));
    }
  }
}
