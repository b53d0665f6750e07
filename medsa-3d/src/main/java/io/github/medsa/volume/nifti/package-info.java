/**
 * NIfTI-1 and NIfTI-2 reading and writing (plain and gzipped) that round-trips geometry (qform/sform,
 * spacing, units); typed errors for corrupt headers and unsupported data.
 */
package io.github.medsa.volume.nifti;
