package dev.shadowrouting.sinks.jsonl;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Creates directories (rwx------) and files (rw-------) readable by their owner only: records may
 * hold payloads. The permissions are given at creation, so the file is never visible to others even
 * for an instant, and set again afterwards, because the creation mode is filtered by the process's
 * umask (which may be anything, e.g. 077 or 000). On file systems without POSIX permissions the
 * platform's defaults apply. Stateless and thread-safe.
 */
final class OwnerOnlyFiles {
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private OwnerOnlyFiles() {}

  /** Creates {@code dir} and its missing parents; directories that exist are left as they are. */
  static void createDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return;
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    try {
      Files.createDirectory(absolute, attributes(absolute, DIRECTORY));
    } catch (FileAlreadyExistsException e) {
      if (Files.isDirectory(absolute)) {
        return; // created concurrently by someone else: not ours to change
      }
      throw e;
    }
    restrict(absolute, DIRECTORY);
  }

  /** Creates a new file and opens it for appending. @throws FileAlreadyExistsException if it exists */
  static FileChannel createAppendOnly(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file,
        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND),
        attributes(file, FILE));
    try {
      restrict(file, FILE);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return channel;
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<?>[] attributes(Path path, Set<PosixFilePermission> permissions) {
    return posix(path)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
        : new FileAttribute<?>[0];
  }

  private static void restrict(Path path, Set<PosixFilePermission> permissions)
      throws IOException {
    if (posix(path)) {
      Files.setPosixFilePermissions(path, permissions);
    }
  }
}
