/**
 * SD-Trans (Space-Depth Transpose): Med-SA's depth branch, which lets a 2D SAM with adapters attend across
 * the slices of a chunk ({@link io.github.medsa.sdtrans.SdTrans#of}).
 */
package io.github.medsa.sdtrans;
