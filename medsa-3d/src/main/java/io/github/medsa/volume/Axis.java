package io.github.medsa.volume;

/** Anatomical slicing directions: the world axis (RAS) the slices are perpendicular to. */
public enum Axis {
  /** Perpendicular to inferior-superior (world z). */
  AXIAL(2),
  /** Perpendicular to posterior-anterior (world y). */
  CORONAL(1),
  /** Perpendicular to left-right (world x). */
  SAGITTAL(0);

  private final int worldAxis;

  Axis(int worldAxis) {
    this.worldAxis = worldAxis;
  }

  int worldAxis() {
    return worldAxis;
  }
}
