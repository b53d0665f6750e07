package io.github.medsa.extension;

import io.github.medsa.SamConfig;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Modules grafted onto SAM (Med-SA's adapters): how they change the encoder and decoder blocks, which tensors
 * are theirs, and how those tensors start when a checkpoint (a plain SAM one) does not hold them.
 */
public interface ModelExtension {
  /** Plain SAM. */
  ModelExtension NONE = new ModelExtension() {
    @Override
    public EncoderBlockExtension encoder(SamConfig cfg) {
      return EncoderBlockExtension.NONE;
    }

    @Override
    public DecoderBlockExtension decoder(SamConfig cfg) {
      return DecoderBlockExtension.NONE;
    }

    @Override
    public boolean owns(String name) {
      return false;
    }

    @Override
    public INDArray initialValue(String name, Map<String, long[]> shapes, Random rng) {
      throw new IllegalArgumentException("plain SAM has no tensor " + name + " of its own");
    }
  };

  /**
   * The modules this extension grafts onto the image encoder's blocks.
   *
   * @param cfg the model sizes
   * @return the encoder block extension ({@link EncoderBlockExtension#NONE} for none)
   */
  EncoderBlockExtension encoder(SamConfig cfg);

  /**
   * Encoder batches must hold whole groups of this many images, kept in order (SD-Trans: the slices of a chunk).
   * 1 for extensions that treat images independently.
   *
   * @return the group size, at least 1
   */
  default int batchMultiple() {
    return 1;
  }

  /**
   * The modules this extension grafts onto the mask decoder's blocks.
   *
   * @param cfg the model sizes
   * @return the decoder block extension ({@link DecoderBlockExtension#NONE} for none)
   */
  DecoderBlockExtension decoder(SamConfig cfg);

  /**
   * Whether tensor {@code name} belongs to this extension.
   *
   * @param name a state-dict name
   * @return true if this extension adds it
   */
  boolean owns(String name);

  /**
   * The starting value of one of this extension's tensors ({@code shapes} holds every tensor of the model, so a
   * bias can see its weight's fan-in); called in name order with one seeded generator.
   *
   * @param name the tensor's state-dict name, one this extension {@link #owns}
   * @param shapes every tensor's PyTorch shape, by name
   * @param rng the seeded generator
   * @return a new float32 array of {@code shapes.get(name)}
   * @throws IllegalArgumentException if the extension has no such tensor
   */
  INDArray initialValue(String name, Map<String, long[]> shapes, Random rng);
}
