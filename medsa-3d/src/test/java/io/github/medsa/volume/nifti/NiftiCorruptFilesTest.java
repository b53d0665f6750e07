package io.github.medsa.volume.nifti;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.medsa.volume.Geometry;
import io.github.medsa.volume.Volume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-made broken files: each must be a NiftiFormatException naming the file and the problem. */
class NiftiCorruptFilesTest {
  @TempDir
  Path dir;
  /** A valid 4x4x4 int16 file: 352 + 128 = 480 bytes. */
  byte[] good;

  @BeforeEach
  void writeGood() throws IOException {
    Path f = dir.resolve("good.nii");
    float[] v = new float[64];
    Arrays.fill(v, 7);
    NiftiWriter.write(f, new Volume(Geometry.identity(4, 4, 4), v, "test"), NiftiDatatype.INT16, null);
    good = Files.readAllBytes(f);
  }

  private Path patched(String name, Consumer<ByteBuffer> patch) throws IOException {
    byte[] b = good.clone();
    patch.accept(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
    Path f = dir.resolve(name);
    Files.write(f, b);
    return f;
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(Path f) {
    return assertThatThrownBy(() -> NiftiReader.read(f)).isInstanceOf(NiftiFormatException.class)
        .hasMessageContaining(f.toString());
  }

  @Test
  void truncatedDataSaysBothSizes() throws IOException {
    Path f = dir.resolve("trunc.nii");
    Files.write(f, Arrays.copyOf(good, 400));
    assertFails(f).hasMessageContaining("truncated").hasMessageContaining("400").hasMessageContaining("480");
  }

  @Test
  void voxOffsetInsideTheHeader() throws IOException {
    assertFails(patched("inside.nii", b -> b.putFloat(108, 100f)))
        .hasMessageContaining("vox_offset 100 lies inside the header");
  }

  @Test
  void voxOffsetPastTheEnd() throws IOException {
    assertFails(patched("past.nii", b -> b.putFloat(108, 100000f)))
        .hasMessageContaining("vox_offset 100000 lies past the end").hasMessageContaining("480 bytes");
  }

  @Test
  void negativeVoxOffset() throws IOException {
    assertFails(patched("neg.nii", b -> b.putFloat(108, -8f))).hasMessageContaining("vox_offset -8");
  }

  @Test
  void unknownDatatypeIsNamed() throws IOException {
    assertFails(patched("dt.nii", b -> b.putShort(70, (short) 1234)))
        .hasMessageContaining("unknown datatype code 1234");
    assertFails(patched("rgb.nii", b -> b.putShort(70, (short) 128))).hasMessageContaining("128 (rgb24)");
  }

  @Test
  void badMagic() throws IOException {
    assertFails(patched("magic.nii", b -> b.put(344, (byte) 'x'))).hasMessageContaining("bad magic");
    assertFails(patched("pair.nii", b -> b.put(345, (byte) 'i'))).hasMessageContaining("two-file");
  }

  @Test
  void badSizeofHdr() throws IOException {
    assertFails(patched("size.nii", b -> b.putInt(0, 123))).hasMessageContaining("bad sizeof_hdr 123");
  }

  @Test
  void emptyAndTinyFiles() throws IOException {
    Path empty = dir.resolve("empty.nii");
    Files.write(empty, new byte[0]);
    assertFails(empty).hasMessageContaining("file is empty");
    Path tiny = dir.resolve("tiny.nii");
    Files.write(tiny, Arrays.copyOf(good, 200));
    assertFails(tiny).hasMessageContaining("inside the 348-byte header");
  }

  @Test
  void impossibleDims() throws IOException {
    assertFails(patched("dim0.nii", b -> b.putShort(40, (short) 9))).hasMessageContaining("dim[0] = 9");
    assertFails(patched("dimz.nii", b -> b.putShort(44, (short) 0))).hasMessageContaining("dim[2] = 0");
    assertFails(patched("dimneg.nii", b -> b.putShort(42, (short) -4))).hasMessageContaining("dim[1] = -4");
  }

  @Test
  void hugeDimsAreCaughtBeforeAllocating() throws IOException {
    // 32767^3 int16 = 70 TB: refused from the file size, not by an OutOfMemoryError
    Consumer<ByteBuffer> huge = b -> b.putShort(42, Short.MAX_VALUE).putShort(44, Short.MAX_VALUE)
        .putShort(46, Short.MAX_VALUE);
    assertFails(patched("huge.nii", huge)).hasMessageContaining("truncated");
    // NIfTI-2 style 64-bit overflow cannot be written in a NIfTI-1 header; 7-D with big dims overflows nvox
    assertFails(patched("overflow.nii", b -> {
      b.putShort(40, (short) 7);
      for (int i = 1; i <= 7; i++) {
        b.putShort(40 + 2 * i, Short.MAX_VALUE);
      }
    })).hasMessageContaining("overflow");
    Path gz = dir.resolve("huge.nii.gz");
    byte[] b = good.clone();
    huge.accept(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
    gzip(b, gz);
    assertFails(gz).hasMessageContaining("gzip file can hold");
  }

  @Test
  void truncatedGzip() throws IOException {
    Path f = dir.resolve("noise.nii.gz");
    Random rnd = new Random(1);
    float[] v = new float[32 * 32 * 32];
    for (int i = 0; i < v.length; i++) {
      v[i] = rnd.nextFloat();
    }
    NiftiWriter.write(f, new Volume(Geometry.identity(32, 32, 32), v, "test"), NiftiDatatype.FLOAT32, null);
    byte[] all = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.nii.gz");
    Files.write(cut, Arrays.copyOf(all, all.length / 2));
    assertFails(cut).hasMessageContaining("gzip stream is truncated or corrupt");
    Path headerOnly = dir.resolve("cut2.nii.gz");
    Files.write(headerOnly, Arrays.copyOf(all, 5));
    assertFails(headerOnly).hasMessageContaining("gzip");
  }

  @Test
  void gzipWhoseContentIsTruncated() throws IOException {
    Path f = dir.resolve("short.nii.gz");
    gzip(Arrays.copyOf(good, 400), f);
    assertFails(f).hasMessageContaining("truncated data").hasMessageContaining("400")
        .hasMessageContaining("480");
  }

  private static void gzip(byte[] content, Path f) throws IOException {
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(content);
    }
  }
}
