package org.leukostream.models.arch;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/**
 * The Vision Transformer (Dosovitskiy et al. 2021; Jiang et al. 2021's transformer member): patch
 * and position embedding with a class token, pre-norm encoder blocks (LayerNorm, multi-head
 * self-attention, LayerNorm, GELU MLP, each with a residual), a final LayerNorm and a linear head
 * on the class token. DJL's own TransformerEncoderBlock normalises with BatchNorm, so these blocks
 * are written here.
 */
final class VisionTransformers {
  /**
   * @param imageSize input side in pixels
   * @param patchSize patch side in pixels
   * @param dim token width
   * @param depth encoder blocks
   * @param heads attention heads
   * @param mlpDim hidden width of each block's MLP
   */
  record Config(int imageSize, int patchSize, int dim, int depth, int heads, int mlpDim) {}

  /** ViT-B/16 as torchvision's {@code vit_b_16}. */
  static final Config VIT_B16 = new Config(224, 16, 768, 12, 12, 3072);

  /** Jiang et al. 2021's text: 6 encoder blocks of 8 heads, on 224 px inputs with 16 px patches. */
  static final Config VIT_JIANG = new Config(224, 16, 768, 6, 8, 3072);

  private static final float LN_EPSILON = 1e-6f;

  private VisionTransformers() {}

  static Block build(Config config, int classes) {
    SequentialBlock net =
        Layers.sequence(new PatchEmbedding(config.imageSize(), config.patchSize(), config.dim()));
    for (int i = 0; i < config.depth(); i++) {
      net.add(
          Layers.residual(
              Layers.sequence(
                  layerNorm(), new MultiHeadSelfAttention(config.dim(), config.heads())),
              Blocks.identityBlock()));
      net.add(
          Layers.residual(
              Layers.sequence(
                  layerNorm(),
                  Linear.builder().setUnits(config.mlpDim()).build(),
                  Activation.geluBlock(),
                  Linear.builder().setUnits(config.dim()).build()),
              Blocks.identityBlock()));
    }
    return net.add(layerNorm())
        .add(
            new LambdaBlock(
                list -> new NDList(list.singletonOrThrow().get(":, 0, :")), "class-token"))
        .add(Linear.builder().setUnits(classes).build());
  }

  private static Block layerNorm() {
    return LayerNorm.builder()
        .axis(2)
        .optEpsilon(LN_EPSILON)
        .build(); // over dim of (batch, tokens, dim)
  }
}
