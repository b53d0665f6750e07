package io.github.medsa.checkpoint;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: reads a SAM checkpoint in any supported container, recognised from its first bytes (not its
 * extension), and returns it under official SAM names.
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  /** {@code \x80\x02} then LONG1 of 10 bytes: the pickled legacy magic number, little endian. */
  private static final byte[] LEGACY_PREFIX = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc,
      (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

  private Checkpoints() {}

  /**
   * All tensors as float32, C order, in file order, under official SAM names (Hugging Face names are
   * translated). 64/32-bit integer counters are read as float32 too ({@link TensorDtype#isReadable()}); other
   * integer and bool tensors are rejected with {@link UnsupportedDtypeException}.
   *
   * @param file a {@code .pth} (zip or legacy pickle) or {@code .safetensors} file
   * @return the tensors under official SAM names
   * @throws CheckpointFormatException for unknown, corrupt or truncated files
   * @throws IOException if the file cannot be read (e.g. {@link java.nio.file.NoSuchFileException})
   */
  public static StateDict read(Path file) throws IOException {
    CheckpointFormat format = detect(file);
    StateDict raw;
    try {
      raw = switch (format) {
        case PTH_ZIP -> PthZipReader.read(file);
        case PTH_LEGACY -> PthLegacyReader.read(file);
        case SAFETENSORS -> Safetensors.read(file);
      };
    } catch (CheckpointFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw CheckpointFormatException.wrap(file, "cannot read " + format + " checkpoint", e);
    }
    if (!HuggingFaceNames.looksLikeHf(raw.names())) {
      return raw;
    }
    LOG.trace("{}: translating Hugging Face names", file);
    Map<String, INDArray> sam = HuggingFaceNames.translateToSam(file, raw.asMap(), Checkpoints::bitEqual);
    return StateDict.of(sam);
  }

  /**
   * The container format, from the first bytes of the file.
   *
   * @param file the checkpoint file
   * @return its format
   * @throws java.nio.file.NoSuchFileException if it is not a regular file
   * @throws CheckpointFormatException if its first bytes match no known format
   * @throws IOException if it cannot be read
   */
  public static CheckpointFormat detect(Path file) throws IOException {
    checkNotNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "not a regular file");
    }
    long size = Files.size(file);
    if (size == 0) {
      throw CheckpointFormatException.of(file, "file is empty");
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(16);
    }
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return CheckpointFormat.PTH_ZIP;
    }
    if (head.length >= LEGACY_PREFIX.length
        && Arrays.equals(Arrays.copyOf(head, LEGACY_PREFIX.length), LEGACY_PREFIX)) {
      return CheckpointFormat.PTH_LEGACY;
    }
    if (head.length > 8 && head[8] == '{') {
      return CheckpointFormat.SAFETENSORS;
    }
    StringBuilder hex = new StringBuilder();
    for (byte b : head) {
      hex.append(String.format("%02x ", b));
    }
    throw CheckpointFormatException.of(file, "file is neither a PyTorch checkpoint nor safetensors (starts with %s)",
        hex.toString().trim());
  }

  private static boolean bitEqual(INDArray a, INDArray b) {
    return Arrays.equals(a.shape(), b.shape())
        && Arrays.equals(a.dup('c').data().asFloat(), b.dup('c').data().asFloat());
  }
}
