package io.github.medsa.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.medsa.volume.Geometry;
import io.github.medsa.volume.Volume;
import io.github.medsa.volume.VolumePrompt;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Parsing of case rows, the seeded simulated prompts and the builder's checks (no Spark session). */
class CaseSpecTest {
  private static final StructType SCHEMA = new StructType().add("case_id", DataTypes.StringType)
      .add("image", DataTypes.StringType).add("box", DataTypes.StringType).add("clicks", DataTypes.StringType)
      .add("labels", DataTypes.StringType).add("label_values", DataTypes.StringType);

  private static Row row(String... values) {
    return new GenericRowWithSchema(values, SCHEMA);
  }

  @Test
  void parsesVolumeAndPngPrompts() {
    CaseSpec v = CaseSpec.parse(row("p1", "hdfs://nn/x/p1.nii.gz", "1,2,3,4,5,6", "7,8,9; 1 2 3 0", null, null));
    assertThat(v.kind()).isEqualTo(CaseSpec.Kind.NIFTI);
    assertThat(v.box()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(v.clicks()).containsExactly(new double[] {7, 8, 9, 1}, new double[] {1, 2, 3, 0});
    assertThat(v.maskName()).isEqualTo("p1_mask.nii.gz");
    CaseSpec png = CaseSpec.parse(row("p2", "s3a://b/p2.PNG", null, "10,20", null, null));
    assertThat(png.kind()).isEqualTo(CaseSpec.Kind.PNG);
    assertThat(png.clicks()).containsExactly(new double[] {10, 20, 1});
    assertThat(png.maskName()).isEqualTo("p2_mask.png");
    CaseSpec dicom = CaseSpec.parse(row("p3", "/data/series/", null, null, "/data/lab.nii", "77, 78"));
    assertThat(dicom.kind()).isEqualTo(CaseSpec.Kind.DICOM_FOLDER);
    assertThat(dicom.labelValues()).containsExactly(77, 78);
  }

  @Test
  void malformedRowsNameTheColumnAndValue() {
    assertThatThrownBy(() -> CaseSpec.parse(row("a/b", "x.nii", "1,2,3,4,5,6", null, null, null)))
        .hasMessage("case_id 'a/b' may hold only letters, digits, '.', '_' and '-' (it names the output files)");
    assertThatThrownBy(() -> CaseSpec.parse(row("a", "x.nii", "1,2,3,4", null, null, null)))
        .hasMessage("box '1,2,3,4': expected 6 numbers, got 4");
    assertThatThrownBy(() -> CaseSpec.parse(row("a", "x.nii", null, "1,2,x", null, null)))
        .hasMessage("clicks '1,2,x': 'x' is not a number");
    assertThatThrownBy(() -> CaseSpec.parse(row("a", "x.nii", null, "1,2,3,2", null, null)))
        .hasMessage("clicks '1,2,3,2': the label must be 1 (foreground) or 0 (background)");
    assertThatThrownBy(() -> CaseSpec.parse(row("a", "x.nii", null, null, "l.nii", null)))
        .hasMessageStartingWith("labels is given but label_values is empty");
    assertThatThrownBy(() -> CaseSpec.parse(row("a", "x.nii", null, null, null, null)))
        .hasMessage("give a prompt (box or clicks) or a label map (labels and label_values)");
  }

  /** A 4x3x2 label map with the structure at voxels (1,1,0), (2,1,1): the tight box and a click on one of them. */
  @Test
  void simulatedVolumePromptsDependOnlyOnSeedAndCaseId() {
    float[] labels = new float[4 * 3 * 2];
    labels[1 + 4 * 1] = 77;
    labels[2 + 4 * (1 + 3)] = 78;
    labels[0] = 5;
    Volume v = new Volume(Geometry.identity(4, 3, 2), labels, "lab.nii");
    VolumePrompt p = SimulatedPrompts.volume(v, x -> x == 77 || x == 78, 0, SimulatedPrompts.caseSeed(42, "c1"));
    assertThat(p.box()).containsExactly(1, 1, 0, 2, 1, 1);
    VolumePrompt.Click c = p.clicks().get(0);
    assertThat(new double[] {c.x(), c.y(), c.z()}).satisfiesAnyOf(
        xyz -> assertThat(xyz).containsExactly(1, 1, 0), xyz -> assertThat(xyz).containsExactly(2, 1, 1));
    VolumePrompt again = SimulatedPrompts.volume(v, x -> x == 77 || x == 78, 0, SimulatedPrompts.caseSeed(42, "c1"));
    assertThat(again.clicks()).isEqualTo(p.clicks());
    assertThatThrownBy(() -> SimulatedPrompts.volume(v, x -> x == 9, 0, 1))
        .hasMessage("lab.nii holds none of the structure's label values");
  }

  @Test
  void theBuilderNamesWhatIsMissing() {
    assertThatThrownBy(() -> SparkSegmentation.builder().output("o").backbone("vit_b").build())
        .hasMessage("give the checkpoint URI");
    assertThatThrownBy(() -> SparkSegmentation.builder().checkpoint("c").backbone("vit_b").build())
        .hasMessage("give the output directory");
    assertThatThrownBy(() -> SparkSegmentation.builder().checkpoint("c").output("o").build())
        .hasMessage("give a backbone (e.g. vit_b) or a config JSON for the checkpoint's sizes");
    assertThatThrownBy(() -> SparkSegmentation.builder().checkpoint("c").output("o").backbone("vit_b").overlap(1)
        .build()).hasMessage("overlap must be in 0..0 for chunks of 1 slices, got 1");
    assertThatThrownBy(() -> SparkSegmentation.builder().backbone("tiny")).hasMessage(
        "unknown backbone 'tiny': use one of [vit_b, vit_l, vit_h, tiny_vit]");
  }
}
