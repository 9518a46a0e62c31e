package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.dynamodblocal.LocalDynamoDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stack keeps its page-token secret in its data directory, so page tokens survive a restart. */
class PageTokenSecretFileTest {

  @Test
  void theFirstStartMakesAnOwnerOnlySecretAndLaterStartsReadIt(@TempDir Path dir) throws IOException {
    Path dataDir = dir.resolve("data");
    String first = PageTokenSecretFile.readOrCreate(dataDir);
    Path file = dataDir.resolve(PageTokenSecretFile.NAME);
    assertTrue(first.length() >= 32, first);
    assertEquals(first, PageTokenSecretFile.readOrCreate(dataDir), "read back, not made anew");
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
    assertNotEquals(first, PageTokenSecretFile.readOrCreate(dir.resolve("other")), "each data directory has its own");
    try (var leftovers = Files.list(dataDir)) {
      assertEquals(1, leftovers.count(), "no temporary file left behind");
    }
  }

  @Test
  void aShortSecretInTheFileIsRefusedSayingWhatToDo(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve(PageTokenSecretFile.NAME), "short\n");
    IOException e = assertThrows(IOException.class, () -> PageTokenSecretFile.readOrCreate(dir));
    assertTrue(e.getMessage().contains("delete the file"), e.getMessage());
  }

  @Test
  void theStackSignsWithTheSecretOfItsDataDirectory(@TempDir Path dir) throws IOException {
    try (LocalDynamoDb dynamo = LocalDynamoDb.startInMemory()) {
      LocalStack.Options options = new LocalStack.Options(0, dir, 0, dynamo.endpoint(), "secret-file", false,
          java.time.Duration.ZERO, java.time.Duration.ZERO);
      String used;
      try (LocalStack stack = LocalStack.start(options)) {
        used = stack.tracing().config().pageTokenSecret();
      }
      assertEquals(PageTokenSecretFile.readOrCreate(dir), used);
      try (LocalStack again = LocalStack.start(options)) {
        assertEquals(used, again.tracing().config().pageTokenSecret(), "the same secret after a restart");
      }
    }
  }
}
