package io.github.medsa.spark;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Closes the executor's models when the executor stops: enable with
 * {@code --conf spark.plugins=io.github.medsa.spark.MedSAPlugin}. Without it a JVM shutdown hook closes them.
 * (In local mode the driver JVM is the executor, and the plugin runs when the session stops.)
 */
public final class MedSAPlugin implements SparkPlugin {
  /** Created by Spark from {@code spark.plugins}. */
  public MedSAPlugin() {}

  /** No driver component. */
  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  /** An executor component whose {@code shutdown()} closes the models built in that executor. */
  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void shutdown() {
        ExecutorModels.closeAll();
      }
    };
  }
}
