package io.github.medsa.training;

import java.time.Duration;

/**
 * One optimiser step as a listener sees it (for progress bars and loss curves): {@code step} counts the steps
 * completed (1 after the first), {@code epoch} is 0-based.
 */
public record TrainingProgress(long step, long totalSteps, int epoch, int epochs, double loss, double learningRate,
    Duration elapsed) {}
