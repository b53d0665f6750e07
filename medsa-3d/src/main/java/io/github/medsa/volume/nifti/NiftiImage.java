package io.github.medsa.volume.nifti;

import io.github.medsa.volume.Volume;

/**
 * A volume read from a NIfTI file together with the header it came from; pass the header to
 * {@link NiftiWriter#write} as the template to keep codes, units, description and intent in the output.
 */
public record NiftiImage(Volume volume, NiftiHeader header) {
}
