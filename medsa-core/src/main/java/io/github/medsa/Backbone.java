package io.github.medsa;

/** The official SAM image encoders and their published checkpoints. */
public enum Backbone {
  VIT_B(SamConfig.VIT_B, "sam_vit_b_01ec64.pth", "facebook/sam-vit-base"),
  VIT_L(SamConfig.VIT_L, "sam_vit_l_0b3195.pth", "facebook/sam-vit-large"),
  VIT_H(SamConfig.VIT_H, "sam_vit_h_4b8939.pth", "facebook/sam-vit-huge");

  /** Where the official SAM checkpoints are published (Meta's segment-anything README). */
  public static final String OFFICIAL_DOWNLOAD_PREFIX = "https://dl.fbaipublicfiles.com/segment_anything/";

  private final SamConfig config;
  private final String officialCheckpoint;
  private final String huggingFaceModel;

  Backbone(SamConfig config, String officialCheckpoint, String huggingFaceModel) {
    this.config = config;
    this.officialCheckpoint = officialCheckpoint;
    this.huggingFaceModel = huggingFaceModel;
  }

  public SamConfig config() {
    return config;
  }

  /** File name of the official checkpoint, e.g. {@code sam_vit_b_01ec64.pth}. */
  public String officialCheckpoint() {
    return officialCheckpoint;
  }

  /** Hugging Face model id whose {@code model.safetensors} holds the same weights under HF names. */
  public String huggingFaceModel() {
    return huggingFaceModel;
  }
}
