package io.github.medsa.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Slicing, intensity windows and the checks made before training, on small hand-made volumes. */
class VolumeBasicsTest {

  /** A 4 x 3 x 2 volume whose value encodes its voxel: 100 i + 10 j + k. */
  private static Volume coded(Geometry g) {
    float[] d = new float[(int) g.voxelCount()];
    for (int k = 0; k < g.nz(); k++) {
      for (int j = 0; j < g.ny(); j++) {
        for (int i = 0; i < g.nx(); i++) {
          d[i + g.nx() * (j + g.ny() * k)] = 100 * i + 10 * j + k;
        }
      }
    }
    return new Volume(g, d, "coded.nii");
  }

  @Test
  void axialSlicesShowColumnsAlongXAndRowsAlongYReversed() {
    Volume v = coded(Geometry.identity(4, 3, 2));
    SliceView view = SliceView.of(v.geometry(), Axis.AXIAL);
    assertThat(view.sliceAxis()).isEqualTo(2);
    assertThat(view.count()).isEqualTo(2);
    assertThat(view.width()).isEqualTo(4);
    assertThat(view.height()).isEqualTo(3);
    // row 0 is j = 2 (np.rot90 of vol[:, :, k]), column c is i = c
    assertThat(view.slice(v, 1)).containsExactly(21, 121, 221, 321, 11, 111, 211, 311, 1, 101, 201, 301);
    assertThat(view.toVoxel(1, 3, 0)).containsExactly(3, 2, 1);
    assertThat(view.toPixel(3, 2, 1)).containsExactly(1, 3, 0);
    float[] copy = new float[24];
    view.put(copy, 1, view.slice(v, 1));
    view.put(copy, 0, view.slice(v, 0));
    assertThat(copy).containsExactly(v.data());
  }

  @Test
  void theSliceAxisFollowsTheAffineNotTheIndexOrder() {
    // voxel axis j points superior: axial slices are taken along j; sagittal along i.
    double[][] a = {{2, 0, 0, 0}, {0, 0, 1, 0}, {0, 3, 0, 0}, {0, 0, 0, 1}};
    Geometry g = new Geometry(new int[] {4, 3, 2}, new double[] {2, 3, 1}, a);
    assertThat(SliceView.of(g, Axis.AXIAL).sliceAxis()).isEqualTo(1);
    assertThat(SliceView.of(g, Axis.CORONAL).sliceAxis()).isEqualTo(2);
    assertThat(SliceView.of(g, Axis.SAGITTAL).sliceAxis()).isEqualTo(0);
    assertThat(g.toVoxel(4, 1, 6)).containsExactly(2, 2, 1);
    assertThat(g.toWorld(2, 2, 1)).containsExactly(4, 1, 6);
  }

  @Test
  void intensityWindows() {
    double[] ct = IntensityWindow.ct(40, 400).range(coded(Geometry.identity(2, 2, 2)));
    assertThat(ct).containsExactly(-160, 240);
    assertThat(IntensityWindow.grey(-500, ct)).isZero();
    assertThat(IntensityWindow.grey(40, ct)).isEqualTo(128);
    assertThat(IntensityWindow.grey(240, ct)).isEqualTo(255);
    assertThat(IntensityWindow.grey(Double.NaN, ct)).isZero();
    // 0..99 once each: numpy.percentile(range(100), [10, 90]) = 9.9, 89.1
    float[] d = new float[100];
    for (int i = 0; i < 100; i++) {
      d[i] = i;
    }
    Volume v = new Volume(Geometry.identity(10, 10, 1), d, "ramp");
    assertThat(IntensityWindow.percentiles(10, 90).range(v)[0]).isCloseTo(9.9, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(IntensityWindow.percentiles(10, 90).range(v)[1]).isCloseTo(89.1, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void checksNameTheFilesAndValues() {
    Volume image = coded(Geometry.identity(4, 3, 2));
    Volume otherShape = new Volume(Geometry.identity(4, 3, 3), new float[36], "label.nii.gz");
    assertThatThrownBy(() -> VolumeChecks.requireSameGeometry(image, otherShape))
        .isInstanceOf(VolumeCheckException.class)
        .hasMessageContaining("coded.nii and label.nii.gz differ in shape: [4, 3, 2] vs [4, 3, 3]");

    double[][] shifted = {{1, 0, 0, 0.01}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    Volume moved = new Volume(new Geometry(new int[] {4, 3, 2}, new double[] {1, 1, 1}, shifted), new float[24],
        "moved.nii");
    assertThatThrownBy(() -> VolumeChecks.requireSameGeometry(image, moved)).hasMessageContaining("differ in geometry")
        .hasMessageContaining("0.01");
    double[][] tiny = {{1, 0, 0, 0.00005}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    VolumeChecks.requireSameGeometry(image, new Volume(new Geometry(new int[] {4, 3, 2}, new double[] {1, 1, 1.0005},
        tiny), new float[24], "within-tolerance.nii"));

    float[] nan = new float[24];
    nan[13] = Float.NaN;
    assertThatThrownBy(() -> VolumeChecks.requireFinite(new Volume(Geometry.identity(4, 3, 2), nan, "scan.nii")))
        .hasMessageContaining("scan.nii: 1 voxels are NaN or infinite, the first (NaN) at (1, 0, 1)");

    float[] labels = new float[24];
    labels[0] = 3;
    labels[1] = 77;
    labels[2] = 2.5f;
    assertThatThrownBy(() -> VolumeChecks.requireLabels(new Volume(Geometry.identity(4, 3, 2), labels, "lab.nii"),
        Set.of(0, 77, 78))).hasMessageContaining("lab.nii: label values outside [0, 77, 78]: 2.5 (1 voxels) 3.0 (1 voxels)");
  }

  @Test
  void volumePromptsAreCheckedAgainstTheGrid() {
    Geometry g = Geometry.identity(4, 3, 2);
    assertThatThrownBy(() -> VolumePrompt.builder().click(4.5, 1, 1, 1).build().checkInside(g))
        .hasMessageContaining("click (4.5, 1.0, 1.0) lies outside the 4x3x2 volume");
    assertThatThrownBy(() -> VolumePrompt.builder().voxelBox(0, 0, 0, 3, 2, 5).build().checkInside(g))
        .hasMessageContaining("lies outside the 4x3x2 volume");
    assertThatThrownBy(() -> VolumePrompt.builder().build()).hasMessageContaining("a box or at least one click");
  }

  @Test
  void aBoxIsProjectedOntoEverySliceItSpansAndClicksOntoTheirOwn() {
    SliceView view = SliceView.of(Geometry.identity(10, 8, 6), Axis.AXIAL);
    var prompts = VolumeSegmenter.slicePrompts(view,
        VolumePrompt.builder().voxelBox(2, 1, 1, 6, 5, 3).click(4, 4, 5, 1).build());
    assertThat(prompts[0]).isNull();
    for (int s = 1; s <= 3; s++) {
      assertThat(prompts[s].box()).isEqualTo(new io.github.medsa.Prompt.Box(2, 2, 6, 6)); // rows: 7 - j
    }
    assertThat(prompts[4]).isNull();
    assertThat(prompts[5].points()).containsExactly(new io.github.medsa.Prompt.Point(4, 3, 1));
  }

  @Test
  void threeDimensionalMetricsUseTheVolumeSpacing() {
    double[][] a = {{2, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 3, 0}, {0, 0, 0, 1}};
    Geometry g = new Geometry(new int[] {5, 4, 3}, new double[] {2, 1, 3}, a);
    float[] labels = new float[60];
    float[] pred = new float[60];
    labels[0] = 77; // voxel (0, 0, 0)
    labels[1] = 78; // voxel (1, 0, 0)
    labels[2] = 5;  // another structure
    pred[1] = 1;    // voxel (1, 0, 0)
    pred[1 + 20 * 2] = 1; // voxel (1, 0, 2): 6 mm away along z
    var m = VolumeMetrics.evaluate(new Volume(g, pred, "pred"), new Volume(g, labels, "lab"), v -> v == 77 || v == 78,
        io.github.medsa.metrics.SegmentationMetrics.monai());
    // I = 1, |P| = 2, |G| = 2: Dice 0.5, IoU 1/3
    assertThat(m.dice()).isEqualTo(0.5);
    assertThat(m.iou()).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
    // surface distances: P->G {0, 6}, G->P {2, 0}; 95th percentiles 5.7 and 1.9 -> 5.7 mm
    assertThat(m.hd95()).isCloseTo(5.7, org.assertj.core.data.Offset.offset(1e-9));
    assertThatThrownBy(() -> VolumeMetrics.evaluate(new Volume(Geometry.identity(5, 4, 3), pred, "pred.nii"),
        new Volume(g, labels, "lab.nii"), v -> v == 77, io.github.medsa.metrics.SegmentationMetrics.monai()))
        .isInstanceOf(VolumeCheckException.class).hasMessageContaining("pred.nii and lab.nii differ in geometry");
  }
}
