package org.leukostream.models.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head self-attention over (batch, tokens, dim): one fused query/key/value projection and an
 * output projection, both with bias, as torchvision's {@code nn.MultiheadAttention}.
 */
final class MultiHeadSelfAttention extends AbstractBlock implements MacCounted {
  private final int dim;
  private final int heads;
  private final Block qkv;
  private final Block output;

  MultiHeadSelfAttention(int dim, int heads) {
    if (dim % heads != 0) {
      throw new IllegalArgumentException("dim " + dim + " is not divisible by " + heads + " heads");
    }
    this.dim = dim;
    this.heads = heads;
    this.qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * dim).build());
    this.output = addChildBlock("output", Linear.builder().setUnits(dim).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    long batch = x.getShape().get(0);
    long tokens = x.getShape().get(1);
    long headDim = dim / heads;
    NDArray projected = qkv.forward(store, inputs, training, params).singletonOrThrow();
    // (batch, tokens, 3, heads, headDim) -> (3, batch, heads, tokens, headDim)
    NDArray split = projected.reshape(batch, tokens, 3, heads, headDim).transpose(2, 0, 3, 1, 4);
    NDArray q = split.get(0);
    NDArray k = split.get(1);
    NDArray v = split.get(2);
    NDArray weights = q.matMul(k.transpose(0, 1, 3, 2)).div(Math.sqrt(headDim)).softmax(-1);
    NDArray attended = weights.matMul(v).transpose(0, 2, 1, 3).reshape(batch, tokens, dim);
    return output.forward(store, new NDList(attended), training, params);
  }

  /** Projections (4 dim^2 per token) and the two attention products (2 tokens^2 dim). */
  @Override
  public long macs(Shape input) {
    long batch = input.get(0);
    long tokens = input.get(1);
    return batch * (4L * tokens * dim * dim + 2L * tokens * tokens * dim);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    qkv.initialize(manager, dataType, inputShapes);
    output.initialize(manager, dataType, inputShapes);
  }
}
