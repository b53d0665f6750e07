/**
 * Internal: SAM's and MobileSAM's modules as SameDiff graph builders (image encoders, prompt encoder,
 * mask decoder), their variables named as the PyTorch state-dict keys, the extension points through which adapters
 * graft onto them ({@link io.github.medsa.model.ModelExtension}), and the graphs' session memory. Users pass a
 * {@code ModelExtension} (from {@code Adapters} or {@code SdTrans}) to {@link io.github.medsa.MedSA.Builder}; the
 * rest of this package serves the other MedSA-J modules and is not a stable API.
 */
package io.github.medsa.model;
