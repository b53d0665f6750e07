package io.github.medsa;

/**
 * The published image encoders and their checkpoints: SAM's three ViTs and MobileSAM's TinyViT (5.7 M encoder
 * parameters, for CPUs).
 */
public enum Backbone {
  /** SAM ViT-B, 91 M encoder parameters ({@code sam_vit_b_01ec64.pth}). */
  VIT_B(SamConfig.VIT_B, "sam_vit_b_01ec64.pth", "facebook/sam-vit-base"),
  /** SAM ViT-L, 308 M encoder parameters ({@code sam_vit_l_0b3195.pth}). */
  VIT_L(SamConfig.VIT_L, "sam_vit_l_0b3195.pth", "facebook/sam-vit-large"),
  /** SAM ViT-H, 637 M encoder parameters ({@code sam_vit_h_4b8939.pth}). */
  VIT_H(SamConfig.VIT_H, "sam_vit_h_4b8939.pth", "facebook/sam-vit-huge"),
  /** MobileSAM's {@code mobile_sam.pt}; it has no Hugging Face {@code transformers} conversion. */
  TINY_VIT(SamConfig.TINY_VIT, "mobile_sam.pt", null);

  /** Where the official SAM checkpoints are published (Meta's segment-anything README). */
  public static final String OFFICIAL_DOWNLOAD_PREFIX = "https://dl.fbaipublicfiles.com/segment_anything/";
  /** Where MobileSAM publishes {@code mobile_sam.pt} (its repository's {@code weights} folder). */
  public static final String MOBILE_SAM_DOWNLOAD_PREFIX =
      "https://github.com/ChaoningZhang/MobileSAM/raw/master/weights/";

  private final SamConfig config;
  private final String officialCheckpoint;
  private final String huggingFaceModel;

  Backbone(SamConfig config, String officialCheckpoint, String huggingFaceModel) {
    this.config = config;
    this.officialCheckpoint = officialCheckpoint;
    this.huggingFaceModel = huggingFaceModel;
  }

  /**
   * The sizes of this backbone (input 1024 pixels).
   *
   * @return the matching {@link SamConfig} preset
   */
  public SamConfig config() {
    return config;
  }

  /**
   * File name of the official checkpoint, e.g. {@code sam_vit_b_01ec64.pth}.
   *
   * @return the file name, without a directory
   */
  public String officialCheckpoint() {
    return officialCheckpoint;
  }

  /**
   * Where the official checkpoint can be downloaded.
   *
   * @return the download URL
   */
  public String downloadUrl() {
    return (this == TINY_VIT ? MOBILE_SAM_DOWNLOAD_PREFIX : OFFICIAL_DOWNLOAD_PREFIX) + officialCheckpoint;
  }

  /**
   * Hugging Face model id whose {@code model.safetensors} holds the same weights under HF names; null for
   * {@link #TINY_VIT}, which has none.
   *
   * @return the model id, e.g. {@code facebook/sam-vit-base}, or null
   */
  public String huggingFaceModel() {
    return huggingFaceModel;
  }

  /**
   * Where to get this checkpoint, for error messages.
   *
   * @return "url" or "url (or model.safetensors of https://huggingface.co/id)"
   */
  public String whereToDownload() {
    return huggingFaceModel == null ? downloadUrl()
        : downloadUrl() + " (or model.safetensors of https://huggingface.co/" + huggingFaceModel + ")";
  }
}
