package io.github.medsa.training;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The learning rate at each optimiser step (0-based) of a run of {@code totalSteps}. Med-SA's code keeps it
 * constant at 1e-4 (its StepLR is never stepped); step and cosine schedules, each with an optional linear
 * warm-up, are here for longer runs. The built-in schedules describe themselves in {@code toString()} (e.g.
 * {@code cosine(lr=1.0E-4, minLr=0.0).withWarmup(10)}), which a saved run records to check a resume against; a
 * schedule of your own should override {@code toString()} with a description of everything it depends on.
 */
@FunctionalInterface
public interface LearningRateSchedule {
  /**
   * The learning rate at one step.
   *
   * @param step the 0-based optimiser step
   * @param totalSteps the number of steps of the whole run
   * @return the learning rate
   */
  double at(long step, long totalSteps);

  /**
   * {@code lr} at every step.
   *
   * @param lr the learning rate, positive
   * @return the constant schedule
   * @throws IllegalArgumentException if {@code lr} is not positive
   */
  static LearningRateSchedule constant(double lr) {
    checkArgument(lr > 0, "learning rate must be positive, got %s", lr);
    return named("constant(lr=" + lr + ")", (step, total) -> lr);
  }

  /**
   * {@code schedule} with {@code description} as its {@code toString()}.
   *
   * @param description what the schedule depends on, recorded by a saved run
   * @param schedule the schedule
   * @return the described schedule
   */
  static LearningRateSchedule named(String description, LearningRateSchedule schedule) {
    return new Described(description, schedule);
  }

  /**
   * {@code lr * gamma^(step / stepSize)}, as {@code StepLR} stepped once per optimiser step.
   *
   * @param lr the initial learning rate, positive
   * @param stepSize steps between decays, positive
   * @param gamma the decay factor, positive
   * @return the step schedule
   * @throws IllegalArgumentException if an argument is not positive
   */
  static LearningRateSchedule step(double lr, long stepSize, double gamma) {
    checkArgument(lr > 0 && stepSize > 0 && gamma > 0, "lr, step size and gamma must be positive");
    return named("step(lr=" + lr + ", stepSize=" + stepSize + ", gamma=" + gamma + ")",
        (step, total) -> lr * Math.pow(gamma, step / stepSize));
  }

  /**
   * Cosine decay from {@code lr} to {@code minLr} over the run.
   *
   * @param lr the learning rate at step 0, positive
   * @param minLr the learning rate at the last step, in [0, lr]
   * @return the cosine schedule
   * @throws IllegalArgumentException unless {@code 0 <= minLr <= lr} and {@code lr > 0}
   */
  static LearningRateSchedule cosine(double lr, double minLr) {
    checkArgument(lr > 0 && minLr >= 0 && minLr <= lr, "need 0 <= minLr <= lr, got %s, %s", minLr, lr);
    return named("cosine(lr=" + lr + ", minLr=" + minLr + ")",
        (step, total) -> minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * step / Math.max(1, total - 1))));
  }

  /**
   * This schedule after a linear warm-up from {@code lr/warmupSteps} over the first {@code warmupSteps} steps.
   *
   * @param warmupSteps the number of warm-up steps, non-negative (0: no warm-up)
   * @return the schedule with warm-up
   * @throws IllegalArgumentException if {@code warmupSteps} is negative
   */
  default LearningRateSchedule withWarmup(long warmupSteps) {
    checkArgument(warmupSteps >= 0, "warm-up steps must be non-negative, got %s", warmupSteps);
    LearningRateSchedule after = this;
    return named(after + ".withWarmup(" + warmupSteps + ")",
        (step, total) -> step < warmupSteps ? after.at(warmupSteps, total) * (step + 1) / warmupSteps
            : after.at(step, total));
  }

  /**
   * A schedule with a description.
   *
   * @param description the {@code toString()} value
   * @param schedule the schedule it describes
   */
  record Described(String description, LearningRateSchedule schedule) implements LearningRateSchedule {
    @Override
    public double at(long step, long totalSteps) {
      return schedule.at(step, totalSteps);
    }

    @Override
    public String toString() {
      return description;
    }
  }
}
