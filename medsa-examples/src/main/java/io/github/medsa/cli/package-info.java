/**
 * The {@code medsa} command line (picocli): segment, train, evaluate, info, batch and demo. Exit codes: 0
 * success, 1 failure, 2 bad input (the message names the file, option or value).
 */
package io.github.medsa.cli;
