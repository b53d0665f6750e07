/**
 * DICOM series reading (uncompressed transfer syntaxes) into a volume with its geometry from Image Position
 * and Orientation (Patient); typed errors for unsupported or corrupt files.
 */
package io.github.medsa.volume.dicom;
