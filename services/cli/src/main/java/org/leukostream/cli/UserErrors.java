package org.leukostream.cli;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * How a command that fails says so. A user's error - a missing file or folder, a value the command
 * refuses ({@link IllegalArgumentException}: an unknown class, a bad option value) - is one line
 * naming the command and what to fix, exit 2, no stack trace. Anything else is a fault: one line,
 * then the stack trace (a fault is worth reporting), exit 1. {@value #DEBUG} set in the environment
 * prints the stack trace of a user's error too.
 */
final class UserErrors implements IExecutionExceptionHandler {
  static final String DEBUG = "LEUKOSTREAM_DEBUG";

  private final boolean debug;

  UserErrors(boolean debug) {
    this.debug = debug;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    String name = command.getCommandSpec().qualifiedName();
    String userError = userError(e);
    if (userError != null) {
      command.getErr().println(name + ": " + userError);
      if (debug) {
        e.printStackTrace(command.getErr());
      }
      command.getErr().flush();
      return 2;
    }
    command.getErr().println(name + ": failed: " + e);
    e.printStackTrace(command.getErr());
    command.getErr().flush();
    return 1;
  }

  /** The one line that says what the user got wrong, or null when {@code e} is not theirs. */
  static String userError(Throwable e) {
    if (e instanceof IllegalArgumentException) {
      return e.getMessage() != null ? e.getMessage() : e.toString();
    }
    if (isMissingOrUnreadable(e)) {
      return fileProblem((FileSystemException) e);
    }
    if (e instanceof FileNotFoundException) {
      return e.getMessage();
    }
    if (e instanceof UncheckedIOException wrapper
        && (isMissingOrUnreadable(wrapper.getCause())
            || wrapper.getCause() instanceof FileNotFoundException)) {
      String cause =
          wrapper.getCause() instanceof FileSystemException f
              ? fileProblem(f)
              : wrapper.getCause().getMessage();
      return wrapper.getMessage().startsWith(wrapper.getCause().getClass().getName())
          ? cause
          : wrapper.getMessage() + " (" + cause + ")";
    }
    return null;
  }

  private static boolean isMissingOrUnreadable(Throwable e) {
    return e instanceof NoSuchFileException
        || e instanceof NotDirectoryException
        || e instanceof AccessDeniedException;
  }

  private static String fileProblem(FileSystemException e) {
    String what =
        e instanceof NoSuchFileException
            ? "no such file or folder"
            : e instanceof NotDirectoryException ? "not a folder" : "permission denied";
    return what + ": " + e.getFile();
  }
}
