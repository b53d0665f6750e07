/**
 * Training Med-SA: {@link io.github.medsa.training.Trainer} with a
 * {@link io.github.medsa.training.TrainingConfig} (trainable set, schedule, loss, PyTorch-exact Adam, one seed),
 * checkpoints of the trained part with optimiser state that resume exactly, and progress listeners.
 */
package io.github.medsa.training;
