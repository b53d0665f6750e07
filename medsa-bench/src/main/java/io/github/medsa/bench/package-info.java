/**
 * Benchmarks of MedSA-J (JMH and single-workload probes) on random weights; not published.
 */
package io.github.medsa.bench;
