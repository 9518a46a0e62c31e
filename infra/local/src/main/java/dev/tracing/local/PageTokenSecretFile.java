package dev.tracing.local;

import dev.tracing.query.PageToken;
import dev.tracing.config.TracingConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The local stack's page-token secret, kept in its data directory so that a {@code page_token}
 * stays valid across restarts: made from {@link java.security.SecureRandom} on the first start,
 * readable by its owner only (where the file system has POSIX permissions), read back afterwards.
 */
final class PageTokenSecretFile {
  static final String NAME = "page-token-secret";

  private PageTokenSecretFile() {
  }

  /** The secret in {@code dataDir}, created there when it is not yet. */
  static String readOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(NAME);
    if (!Files.exists(file)) {
      Files.createDirectories(dataDir);
      try {
        create(dataDir, file, TracingConfig.randomSecret());
      } catch (FileAlreadyExistsException raced) {
        // another process created it first: read theirs
      }
    }
    String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (secret.getBytes(StandardCharsets.UTF_8).length < PageToken.MIN_SECRET_BYTES) {
      throw new IOException(file + " holds a page-token secret shorter than " + PageToken.MIN_SECRET_BYTES
          + " characters; delete the file and a new one is made on the next start (page tokens issued before then stop working)");
    }
    return secret;
  }

  /** Writes the secret to a file beside {@code file} in {@code dataDir}, then moves it into place. */
  private static void create(Path dataDir, Path file, String secret) throws IOException {
    Path temp = Files.createTempFile(dataDir, NAME, ".tmp");
    try {
      if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        Files.setPosixFilePermissions(temp, ownerOnly);
      }
      Files.writeString(temp, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
      // written whole before it gets its name; the move refuses to replace a file that appeared meanwhile
      Files.move(temp, file);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
