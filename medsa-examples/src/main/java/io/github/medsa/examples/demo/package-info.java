/**
 * The demo ({@code medsa demo}): Med-SA on the bundled Colin27 MRI, from pre-training a compact SAM to the
 * table comparing the frozen model, adapters, the decoder alone and full fine-tuning on held-out slices.
 */
package io.github.medsa.examples.demo;
