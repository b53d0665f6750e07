/**
 * Segments and evaluates whole tables of cases on Apache Spark: {@link io.github.medsa.spark.SparkSegmentation}
 * takes a {@code Dataset<Row>} of cases (image URI plus a prompt or a label map) and returns one result row per
 * case, writing one mask per case and a results table. The model is built once per executor JVM
 * ({@link io.github.medsa.spark.MedSAPlugin} closes it when the executor stops); a failed case is a failed row,
 * never a failed job; a rerun skips cases whose outputs are complete.
 */
package io.github.medsa.spark;
