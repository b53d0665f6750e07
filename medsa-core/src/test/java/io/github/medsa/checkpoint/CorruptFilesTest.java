package io.github.medsa.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorruptFilesTest {
  @TempDir Path dir;

  @Test
  void pthTruncatedToHalf() throws IOException {
    Path f = truncated("weights.pth", 0.5);
    assertThatThrownBy(() -> Checkpoints.read(f)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageStartingWith("weights.pth: ").hasMessageContaining("truncated or corrupt");
    assertThatThrownBy(() -> CheckpointInfo.inspect(f)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageStartingWith("weights.pth: ");
  }

  @Test
  void pthStorageEntryShorterThanItsTensor() throws IOException {
    Path src = Fixtures.resource("checkpoint/synthetic.pth");
    Path f = dir.resolve("short.pth");
    try (ZipFile in = new ZipFile(src.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(f))) {
      Enumeration<? extends ZipEntry> entries = in.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        byte[] data = in.getInputStream(e).readAllBytes();
        if (e.getName().equals("synthetic/data/0")) {
          data = Arrays.copyOf(data, 8);
        }
        storedEntry(out, e.getName(), data);
      }
    }
    assertThatThrownBy(() -> Checkpoints.read(f)).isInstanceOf(CheckpointFormatException.class)
        .hasMessage("short.pth: truncated: storage synthetic/data/0 holds 8 bytes, tensor contig needs 48");
  }

  @Test
  void pthWithoutDataPkl() throws IOException {
    Path f = dir.resolve("other.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(f))) {
      storedEntry(out, "readme.txt", "hello".getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> Checkpoints.read(f)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining("other.zip").hasMessageContaining("no data.pkl");
  }

  @Test
  void legacyTruncated() throws IOException {
    Path half = truncated("weights_legacy.pth", 0.5);
    assertThatThrownBy(() -> Checkpoints.read(half)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageStartingWith("weights_legacy.pth: truncated: storage ")
        .hasMessageContaining("bytes remain");
    Path inPickle = truncatedTo("weights_legacy.pth", 1000);
    assertThatThrownBy(() -> Checkpoints.read(inPickle)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageStartingWith("weights_legacy.pth: truncated: state dict pickle ends early");
  }

  @Test
  void safetensorsTruncated() throws IOException {
    Path f = truncated("weights.safetensors", 0.5);
    assertThatThrownBy(() -> Checkpoints.read(f)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageStartingWith("weights.safetensors: truncated: tensor ")
        .hasMessageContaining("of the data, which holds");
    Path inHeader = truncatedTo("weights.safetensors", 1000);
    assertThatThrownBy(() -> Checkpoints.read(inHeader)).isInstanceOf(CheckpointFormatException.class)
        .hasMessage("weights.safetensors: header length 22760 exceeds file size 1000");
  }

  @Test
  void safetensorsWithHugeHeaderLength() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(2000).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(123456789L).put("{\"a\":".getBytes(StandardCharsets.UTF_8));
    Path f = dir.resolve("x.safetensors");
    Files.write(f, b.array());
    assertThatThrownBy(() -> Checkpoints.read(f)).isInstanceOf(CheckpointFormatException.class)
        .hasMessage("x.safetensors: header length 123456789 exceeds file size 2000");
    b.putLong(0, -5L);
    Files.write(f, b.array());
    assertThatThrownBy(() -> Checkpoints.read(f)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining("x.safetensors: header length 18446744073709551611 exceeds file size 2000");
  }

  @Test
  void randomBytesAndEmptyFiles() throws IOException {
    byte[] noise = new byte[4096];
    new Random(42).nextBytes(noise);
    noise[8] = 'x';
    Path f = dir.resolve("noise.pth");
    Files.write(f, noise);
    assertThatThrownBy(() -> Checkpoints.read(f)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageStartingWith("noise.pth: file is neither a PyTorch checkpoint nor safetensors (starts with ");
    Path empty = dir.resolve("empty.safetensors");
    Files.write(empty, new byte[0]);
    assertThatThrownBy(() -> Checkpoints.read(empty)).isInstanceOf(CheckpointFormatException.class)
        .hasMessage("empty.safetensors: file is empty");
    assertThatThrownBy(() -> CheckpointInfo.inspect(empty)).isInstanceOf(CheckpointFormatException.class);
  }

  /** Whatever the cut, only CheckpointFormatException reaches the caller. */
  @Test
  void everyTruncationPointFailsCleanly() throws IOException {
    for (String name : new String[] {"weights.pth", "weights_legacy.pth", "weights.safetensors"}) {
      long size = Files.size(Fixtures.tiny(name));
      for (long cut : new long[] {1, 7, 9, 20, 64, 500, 5000, 30000, size / 3, size - 100, size - 1}) {
        Path f = truncatedTo(name, cut);
        assertThatThrownBy(() -> Checkpoints.read(f)).as("%s cut at %d", name, cut)
            .isInstanceOf(CheckpointFormatException.class).hasMessageContaining(name);
      }
    }
  }

  /** Flipped bytes give a clean error or a (possibly different) state dict, never another exception. */
  @Test
  void corruptedBytesFailCleanly() throws IOException {
    Random random = new Random(7);
    Path small = dir.resolve("small.safetensors");
    Safetensors.write(small, Checkpoints.read(Fixtures.resource("checkpoint/synthetic.pth")));
    for (Path source : new Path[] {Fixtures.resource("checkpoint/synthetic_legacy.pth"),
        Fixtures.resource("checkpoint/synthetic.pth"), small}) {
      byte[] original = Files.readAllBytes(source);
      for (int trial = 0; trial < 200; trial++) {
        byte[] copy = original.clone();
        for (int k = 0; k < 3; k++) {
          copy[4 + random.nextInt(copy.length - 4)] = (byte) random.nextInt(256);
        }
        Path f = dir.resolve("fuzz.bin");
        Files.write(f, copy);
        try {
          Checkpoints.read(f);
          CheckpointInfo.inspect(f);
        } catch (CheckpointFormatException expected) {
          assertThat(expected).hasMessageStartingWith("fuzz.bin: ");
        }
      }
    }
  }

  @Test
  void zeroStridesCannotExpandATinyStorageToAHugeTensor() {
    java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(4);
    assertThatThrownBy(() -> TensorDecoder.decode(dir.resolve("b.pth"), "w", "b/data/0", one, TensorDtype.F32, 0,
        new long[] {1 << 12, 1 << 12}, new long[] {0, 0}))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessage("b.pth: tensor w has 16777216 elements but its storage b/data/0 holds only 1");
    assertThatThrownBy(() -> TensorDecoder.decode(dir.resolve("b.pth"), "w", "b/data/0", one, TensorDtype.F32, 0,
        new long[] {1L << 40, 1L << 40}, new long[] {0, 0}))
        .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("too large");
  }

  private Path truncated(String fixture, double fraction) throws IOException {
    return truncatedTo(fixture, (long) (Files.size(Fixtures.tiny(fixture)) * fraction));
  }

  private Path truncatedTo(String fixture, long length) throws IOException {
    byte[] all = Files.readAllBytes(Fixtures.tiny(fixture));
    Path f = dir.resolve(fixture);
    Files.write(f, Arrays.copyOf(all, (int) length));
    return f;
  }

  private static void storedEntry(ZipOutputStream out, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    out.putNextEntry(e);
    out.write(data);
    out.closeEntry();
  }

}
