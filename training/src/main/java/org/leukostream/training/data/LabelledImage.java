package org.leukostream.training.data;

import java.nio.file.Path;

/**
 * One single-cell image of a class-folder data set.
 *
 * @param file the image file
 * @param label the class in the model's taxonomy (after aliases)
 * @param folder the folder name it was found in, as on disk
 * @param group the subject the image belongs to, where its file name tells (C-NMC {@code
 *     UID_<subject>_...}); otherwise the file itself, so that every image is its own group
 */
public record LabelledImage(Path file, String label, String folder, String group) {}
