package org.leukostream.models.arch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A {@link Conv2d} whose output channels are computed in whole multiples of {@link #ALIGNMENT}
 * while training: the weights and biases are padded with zero filters for the forward pass and the
 * padding is sliced off the output, so the parameters, the saved weights and the outputs are those
 * of the plain convolution.
 *
 * <p>Why: LibTorch 2.7.1's CPU convolution backward (oneDNN, blocked channel layouts) returns NaN
 * input gradients from finite weights and finite output gradients, now and then, when the number of
 * output channels is not a multiple of the SIMD block (16 floats on AVX-512). That it comes and
 * goes with what lay in reused memory fits padded lanes of a blocked buffer being read unwritten;
 * measured here: 12 of 300 backward passes of the heads NaN with 3 and 12 channels, 0 of 300 with
 * 16. RetinaNet's head outputs (anchors x classes, anchors x 4: 3 and 12 channels in the small
 * detector) are such convolutions; on an AVX-512 CPU their first backward pass made the gradients
 * of the whole network below NaN in most runs (issue 17). With whole blocks of channels there is no
 * padding to read. Inference takes the plain path: it has no backward pass.
 */
final class BlockAlignedConv2d extends Conv2d {
  /** Output channels per SIMD block of float32 on AVX-512 (a multiple of AVX2's 8). */
  static final int ALIGNMENT = 16;

  BlockAlignedConv2d(Conv2d.Builder builder) {
    super(builder);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    int extra = (ALIGNMENT - filters % ALIGNMENT) % ALIGNMENT;
    if (!training || extra == 0 || groups != 1) {
      return super.forwardInternal(store, inputs, training, params);
    }
    NDArray input = inputs.singletonOrThrow();
    Device device = input.getDevice();
    NDArray w = store.getValue(weight, device, true);
    Shape padShape = new Shape(extra).addAll(w.getShape().slice(1));
    // The padded copies belong to the step (the input's manager), not to the parameters' manager.
    NDArray paddedWeight = w.concat(input.getManager().zeros(padShape, w.getDataType()), 0);
    paddedWeight.attach(input.getManager());
    NDArray paddedBias = null;
    if (includeBias) {
      NDArray b = store.getValue(bias, device, true);
      paddedBias = b.concat(input.getManager().zeros(new Shape(extra), b.getDataType()), 0);
      paddedBias.attach(input.getManager());
    }
    NDArray out =
        Conv2d.conv2d(input, paddedWeight, paddedBias, stride, padding, dilation, groups)
            .singletonOrThrow();
    return new NDList(out.get(":, 0:" + filters));
  }
}
