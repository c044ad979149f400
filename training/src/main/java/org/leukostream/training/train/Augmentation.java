package org.leukostream.training.train;

import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Random changes of a training cell that another laboratory, scanner or the detector's framing
 * would make, applied after DERS's flips and turns: where the cell sits and how large it is in the
 * crop (scale and translation, as the detector's box and margin vary), how the stain took (a
 * per-channel scale and shift in optical density, {@code -ln(I)}, the RGB form of Tellez et al.'s
 * HED jitter), how the camera rendered it (hue, saturation, brightness, contrast) and focus (a
 * Gaussian blur now and then). Every amount is the half-width of a uniform draw around "no change";
 * all zero is {@link #NONE}. The same image and the same {@link Random} state give the same result.
 *
 * @param scale relative size change, e.g. 0.1 draws a factor in [0.9, 1.1]
 * @param translate shift as a fraction of the side, per axis
 * @param stain per-channel optical-density factor in [1 - stain, 1 + stain] and shift in [-stain,
 *     stain]
 * @param hue hue rotation as a fraction of the colour circle
 * @param saturation saturation factor in [1 - saturation, 1 + saturation]
 * @param brightness brightness factor in [1 - brightness, 1 + brightness]
 * @param contrast contrast factor around the mean luminance, in [1 - contrast, 1 + contrast]
 * @param blurProbability chance of a Gaussian blur with sigma drawn in [0.3, 1.0] pixels
 */
public record Augmentation(
    double scale,
    double translate,
    double stain,
    double hue,
    double saturation,
    double brightness,
    double contrast,
    double blurProbability) {

  /** No change at all. */
  public static final Augmentation NONE = new Augmentation(0, 0, 0, 0, 0, 0, 0, 0);

  /**
   * The amounts used for models meant for other laboratories: scale +-12%, shift +-6% (a detector
   * box's error at these cell sizes), stain +-8%, hue +-0.03, saturation +-25%, brightness +-15%,
   * contrast +-20%, blur on one image in five.
   */
  public static final Augmentation OTHER_LABORATORIES =
      new Augmentation(0.12, 0.06, 0.08, 0.03, 0.25, 0.15, 0.2, 0.2);

  public Augmentation {
    double[] all = {
      scale, translate, stain, hue, saturation, brightness, contrast, blurProbability
    };
    for (double v : all) {
      if (!(v >= 0 && v < 1)) {
        throw new IllegalArgumentException("augmentation amounts are in [0, 1): " + v);
      }
    }
  }

  /** Whether this changes anything. */
  public boolean isNone() {
    return equals(NONE);
  }

  /** A new image: {@code image} changed by draws from {@code random}; the input is not changed. */
  public BufferedImage apply(BufferedImage image, Random random) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[][] rgb = geometry(image, random);
    stain(rgb, random);
    colour(rgb, random);
    if (random.nextDouble() < blurProbability) {
      rgb = blur(rgb, w, h, 0.3 + 0.7 * random.nextDouble());
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0, i = 0; y < h; y++) {
      for (int x = 0; x < w; x++, i++) {
        out.setRGB(x, y, pack(rgb[0][i], rgb[1][i], rgb[2][i]));
      }
    }
    return out;
  }

  private static double draw(Random random, double halfWidth) {
    return halfWidth == 0 ? 0 : (2 * random.nextDouble() - 1) * halfWidth;
  }

  /**
   * Scaled about the centre and shifted, sampled bilinearly; what comes in from outside the image
   * repeats its edge (the detector's crops fill with the field's colour, which an edge is closest
   * to). Channels as 0..1 floats, row-major.
   */
  private float[][] geometry(BufferedImage image, Random random) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[][] src = new float[3][w * h];
    for (int y = 0, i = 0; y < h; y++) {
      for (int x = 0; x < w; x++, i++) {
        int p = image.getRGB(x, y);
        src[0][i] = ((p >> 16) & 0xff) / 255f;
        src[1][i] = ((p >> 8) & 0xff) / 255f;
        src[2][i] = (p & 0xff) / 255f;
      }
    }
    double factor = 1 + draw(random, scale);
    double dx = draw(random, translate) * w;
    double dy = draw(random, translate) * h;
    if (factor == 1 && dx == 0 && dy == 0) {
      return src;
    }
    float[][] out = new float[3][w * h];
    double cx = (w - 1) / 2.0;
    double cy = (h - 1) / 2.0;
    for (int y = 0, i = 0; y < h; y++) {
      for (int x = 0; x < w; x++, i++) {
        double sx = Math.min(w - 1, Math.max(0, (x - cx - dx) / factor + cx));
        double sy = Math.min(h - 1, Math.max(0, (y - cy - dy) / factor + cy));
        int x0 = (int) sx;
        int y0 = (int) sy;
        int x1 = Math.min(w - 1, x0 + 1);
        int y1 = Math.min(h - 1, y0 + 1);
        double fx = sx - x0;
        double fy = sy - y0;
        for (int c = 0; c < 3; c++) {
          float[] s = src[c];
          double top = s[y0 * w + x0] * (1 - fx) + s[y0 * w + x1] * fx;
          double bottom = s[y1 * w + x0] * (1 - fx) + s[y1 * w + x1] * fx;
          out[c][i] = (float) (top * (1 - fy) + bottom * fy);
        }
      }
    }
    return out;
  }

  /** Per channel: optical density {@code -ln(I)} scaled and shifted, back to intensity. */
  private void stain(float[][] rgb, Random random) {
    if (stain == 0) {
      return;
    }
    for (float[] channel : rgb) {
      double alpha = 1 + draw(random, stain);
      double beta = draw(random, stain);
      for (int i = 0; i < channel.length; i++) {
        double od = -Math.log(Math.max(channel[i], 1 / 255.0));
        channel[i] = (float) Math.exp(-(od * alpha + beta));
      }
    }
  }

  /** Hue rotation and saturation in HSV, then brightness and contrast around the mean luminance. */
  private void colour(float[][] rgb, Random random) {
    double hueShift = draw(random, hue);
    double saturationFactor = 1 + draw(random, saturation);
    double brightnessFactor = 1 + draw(random, brightness);
    double contrastFactor = 1 + draw(random, contrast);
    int n = rgb[0].length;
    float[] hsv = new float[3];
    double luminance = 0;
    for (int i = 0; i < n; i++) {
      if (hueShift != 0 || saturationFactor != 1) {
        java.awt.Color.RGBtoHSB(
            (int) Math.round(clamp(rgb[0][i]) * 255),
            (int) Math.round(clamp(rgb[1][i]) * 255),
            (int) (int) Math.round(clamp(rgb[2][i]) * 255),
            hsv);
        float hueValue = (float) (hsv[0] + hueShift);
        float saturationValue = (float) clamp(hsv[1] * saturationFactor);
        int p =
            java.awt.Color.HSBtoRGB(
                hueValue - (float) Math.floor(hueValue), saturationValue, hsv[2]);
        rgb[0][i] = ((p >> 16) & 0xff) / 255f;
        rgb[1][i] = ((p >> 8) & 0xff) / 255f;
        rgb[2][i] = (p & 0xff) / 255f;
      }
      for (int c = 0; c < 3; c++) {
        rgb[c][i] = (float) (rgb[c][i] * brightnessFactor);
      }
      luminance += 0.299 * rgb[0][i] + 0.587 * rgb[1][i] + 0.114 * rgb[2][i];
    }
    if (contrastFactor != 1) {
      double mean = luminance / n;
      for (float[] channel : rgb) {
        for (int i = 0; i < n; i++) {
          channel[i] = (float) (mean + (channel[i] - mean) * contrastFactor);
        }
      }
    }
  }

  /** Separable Gaussian blur, radius 2 sigma rounded up, edges repeated. */
  private static float[][] blur(float[][] rgb, int w, int h, double sigma) {
    int radius = (int) Math.ceil(2 * sigma);
    double[] kernel = new double[2 * radius + 1];
    double sum = 0;
    for (int k = -radius; k <= radius; k++) {
      kernel[k + radius] = Math.exp(-k * k / (2 * sigma * sigma));
      sum += kernel[k + radius];
    }
    for (int k = 0; k < kernel.length; k++) {
      kernel[k] /= sum;
    }
    float[][] out = new float[3][w * h];
    for (int c = 0; c < 3; c++) {
      float[] tmp = new float[w * h];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double v = 0;
          for (int k = -radius; k <= radius; k++) {
            v += kernel[k + radius] * rgb[c][y * w + Math.min(w - 1, Math.max(0, x + k))];
          }
          tmp[y * w + x] = (float) v;
        }
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double v = 0;
          for (int k = -radius; k <= radius; k++) {
            v += kernel[k + radius] * tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x];
          }
          out[c][y * w + x] = (float) v;
        }
      }
    }
    return out;
  }

  private static double clamp(double v) {
    return Math.min(1, Math.max(0, v));
  }

  private static int pack(float r, float g, float b) {
    return (int) Math.round(clamp(r) * 255) << 16
        | (int) Math.round(clamp(g) * 255) << 8
        | (int) Math.round(clamp(b) * 255);
  }
}
