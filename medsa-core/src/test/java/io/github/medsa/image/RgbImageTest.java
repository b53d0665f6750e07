package io.github.medsa.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RgbImageTest {

  @Test
  void byteGreyIsReadFromTheRasterAndReplicated() {
    BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(1, 0, 0, 100);
    grey.getRaster().setSample(2, 1, 0, 255);
    RgbImage im = RgbImage.of(grey);
    assertThat(im.height()).isEqualTo(2);
    assertThat(im.width()).isEqualTo(3);
    for (int c = 0; c < 3; c++) {
      // 100, not the gamma-converted 165 that getRGB would give for linear grey.
      assertThat(im.get(0, 1, c)).isEqualTo(100);
      assertThat(im.get(1, 2, c)).isEqualTo(255);
      assertThat(im.get(0, 0, c)).isZero();
    }
  }

  @Test
  void ushortGreyIsShiftedToEightBits() {
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    grey.getRaster().setSample(0, 0, 0, 0xABCD);
    grey.getRaster().setSample(1, 0, 0, 0x00FF);
    RgbImage im = RgbImage.of(grey);
    assertThat(im.get(0, 0, 0)).isEqualTo(0xAB);
    assertThat(im.get(0, 0, 2)).isEqualTo(0xAB);
    assertThat(im.get(0, 1, 1)).isZero();
  }

  @Test
  void indexedAndArgbImages() {
    byte[] r = {(byte) 255, 0};
    byte[] g = {0, (byte) 128};
    byte[] b = {0, 7};
    BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(1, 2, r, g, b));
    indexed.getRaster().setSample(1, 0, 0, 1);
    RgbImage im = RgbImage.of(indexed);
    assertThat(new int[] {im.get(0, 0, 0), im.get(0, 0, 1), im.get(0, 0, 2)}).containsExactly(255, 0, 0);
    assertThat(new int[] {im.get(0, 1, 0), im.get(0, 1, 1), im.get(0, 1, 2)}).containsExactly(0, 128, 7);

    BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x10203040);  // alpha 0x10 is ignored, not composited
    RgbImage a = RgbImage.of(argb);
    assertThat(new int[] {a.get(0, 0, 0), a.get(0, 0, 1), a.get(0, 0, 2)}).containsExactly(0x20, 0x30, 0x40);
  }

  @Test
  void bufferedImageAndArrayRoundTrips() {
    RgbImage fixture = Npy.load("image.npy").toImage();
    BufferedImage bi = fixture.toBufferedImage();
    assertThat(bi.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertThat(bi.getRGB(90, 110) & 0xffffff).isEqualTo(
        fixture.get(110, 90, 0) << 16 | fixture.get(110, 90, 1) << 8 | fixture.get(110, 90, 2));
    assertThat(RgbImage.of(bi)).isEqualTo(fixture);

    INDArray arr = fixture.toINDArray();
    assertThat(arr.dataType()).isEqualTo(DataType.UINT8);
    assertThat(arr.shape()).containsExactly(217, 181, 3);
    assertThat(arr.getInt(110, 90, 1)).isEqualTo(fixture.get(110, 90, 1));
    assertThat(RgbImage.of(arr)).isEqualTo(fixture);
    assertThat(RgbImage.of(arr.castTo(DataType.FLOAT))).isEqualTo(fixture);

    // ND4J's own npy reader gives the same image.
    INDArray nd = Nd4j.createFromNpyFile(Npy.fixture("image.npy").toFile());
    assertThat(RgbImage.of(nd)).isEqualTo(fixture);

    byte[] bytes = fixture.toRgbBytes();
    bytes[0] = (byte) (bytes[0] + 1);
    assertThat(fixture.toRgbBytes()[0]).isNotEqualTo(bytes[0]);  // copies, immutable
  }

  @Test
  void greyArrayIsReplicatedAndFloatsRounded() {
    RgbImage im = RgbImage.of(Nd4j.createFromArray(new double[][] {{0.4, 254.6}, {2.5, 3.5}}));
    assertThat(im.height()).isEqualTo(2);
    assertThat(im.width()).isEqualTo(2);
    assertThat(new int[] {im.get(0, 0, 2), im.get(0, 1, 0), im.get(1, 0, 1), im.get(1, 1, 2)})
        .containsExactly(0, 255, 2, 4);  // ties to even
    RgbImage ints = RgbImage.of(Nd4j.createFromArray(new int[][] {{7, 255}}));
    assertThat(ints.get(0, 1, 1)).isEqualTo(255);
    assertThat(ints.get(0, 0, 0)).isEqualTo(7);
  }

  @Test
  void nanIsRejectedWithPositionAndValue() {
    INDArray a = Nd4j.zeros(DataType.FLOAT, 4, 5, 3);
    a.putScalar(new long[] {2, 3, 1}, Float.NaN);
    a.putScalar(new long[] {3, 0, 0}, Float.NaN);
    assertThatThrownBy(() -> RgbImage.of(a)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN").hasMessageContaining("(2, 3, 1)").hasMessageContaining("not finite");
  }

  @Test
  void outOfRangeIsRejectedWithPositionAndValue() {
    INDArray a = Nd4j.zeros(DataType.DOUBLE, 2, 2, 3);
    a.putScalar(new long[] {1, 0, 2}, 256.0);
    assertThatThrownBy(() -> RgbImage.of(a)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256.0").hasMessageContaining("(1, 0, 2)").hasMessageContaining("0..255");
    INDArray neg = Nd4j.createFromArray(new int[][] {{0, -3}});
    assertThatThrownBy(() -> RgbImage.of(neg)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-3.0").hasMessageContaining("(0, 1)");
  }

  @Test
  void wrongShapesAndZeroSizeAreRejected() {
    assertThatThrownBy(() -> RgbImage.of(Nd4j.zeros(DataType.FLOAT, 4, 5, 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[4, 5, 4]").hasMessageContaining("[H, W, 3]");
    assertThatThrownBy(() -> RgbImage.of(Nd4j.zeros(DataType.FLOAT, 1, 4, 5, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1, 4, 5, 3]").hasMessageContaining("[H, W, 3]");
    assertThatThrownBy(() -> RgbImage.of(Nd4j.create(DataType.FLOAT, 0, 5, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 5, 3]").hasMessageContaining("positive");
    assertThatThrownBy(() -> RgbImage.ofRgbBytes(3, 0, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 0, 3]");
    assertThatThrownBy(() -> RgbImage.ofRgbBytes(2, 2, new byte[11]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12").hasMessageContaining("11");
    assertThatThrownBy(() -> RgbImage.of(Nd4j.zeros(DataType.BOOL, 2, 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BOOL");
  }
}
