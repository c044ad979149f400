package org.leukostream.review.views;

/**
 * One detected cell's crop as the view keeps it (store {@value ReviewTopology#CROPS}, key {@link
 * ReviewTopology#cellKey}): where it was found and the image, inline or behind a claim check.
 *
 * @param fieldIndex the field it was found in
 * @param box left, top, width, height in field pixels
 * @param detectionScore the detector's confidence
 * @param mediaType the crop's media type (image/png from the detector)
 * @param inline the encoded crop, or null when it is behind a claim check
 * @param claimCheck the claim check's URI, or null
 * @param sizeBytes the encoded crop's length, as the record declares it
 * @param sha256 its SHA-256, as the record declares it (checked when read behind a claim check)
 * @param seenAtMillis when the view took it (for retention)
 */
public record CropEntry(
    int fieldIndex,
    int[] box,
    double detectionScore,
    String mediaType,
    byte[] inline,
    String claimCheck,
    long sizeBytes,
    String sha256,
    long seenAtMillis) {}
