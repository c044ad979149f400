package org.leukostream.models.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * The ViT input: non-overlapping patches projected by a strided convolution, a learned class token
 * in front, and a learned position embedding added (Dosovitskiy et al. 2021). (batch, 3, H, W) to
 * (batch, 1 + H/p * W/p, dim).
 */
final class PatchEmbedding extends AbstractBlock implements MacCounted {
  private final int dim;
  private final int tokens;
  private final Block projection;
  private final Parameter classToken;
  private final Parameter positions;

  PatchEmbedding(int imageSize, int patchSize, int dim) {
    this.dim = dim;
    int perSide = imageSize / patchSize;
    this.tokens = 1 + perSide * perSide;
    this.projection =
        addChildBlock(
            "projection",
            ai.djl.nn.convolutional.Conv2d.builder()
                .setFilters(dim)
                .setKernelShape(new Shape(patchSize, patchSize))
                .optStride(new Shape(patchSize, patchSize))
                .build());
    this.classToken =
        addParameter(
            Parameter.builder()
                .setName("classToken")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, 1, dim))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
    this.positions =
        addParameter(
            Parameter.builder()
                .setName("positions")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, tokens, dim))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray images = inputs.singletonOrThrow();
    NDArray patches = projection.forward(store, inputs, training, params).singletonOrThrow();
    long batch = patches.getShape().get(0);
    NDArray sequence = patches.reshape(batch, dim, -1).transpose(0, 2, 1);
    NDArray cls = store.getValue(classToken, images.getDevice(), training).broadcast(batch, 1, dim);
    // An operation's result belongs to its first operand's manager: without this the broadcast
    // token (and everything computed from it, autograd graph included) would stay with the model's
    // manager for the model's lifetime, a leak of every batch.
    cls.attach(images.getManager());
    NDArray withClass = cls.concat(sequence, 1);
    return new NDList(withClass.add(store.getValue(positions, images.getDevice(), training)));
  }

  @Override
  public long macs(Shape input) {
    return MacCounter.count(projection, input);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), tokens, dim)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    projection.initialize(manager, dataType, inputShapes);
  }
}
