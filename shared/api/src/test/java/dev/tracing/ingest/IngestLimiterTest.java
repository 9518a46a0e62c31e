package dev.tracing.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.model.Project;
import dev.tracing.storage.dynamodb.DynamoClients;
import dev.tracing.storage.dynamodb.DynamoIngestQuota;
import dev.tracing.storage.dynamodb.DynamoProjectStore;
import dev.tracing.storage.dynamodb.TableSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The limiter's clock minute, on a clock the test sets: the budget of one minute, the
 * {@code Retry-After} it gives, and a fresh budget the moment the next minute starts, without
 * waiting for a real minute to pass. The counter is the real one, on a local dynalite table.
 */
class IngestLimiterTest {
  private static final Instant MINUTE_START = Instant.parse("2026-11-24T10:00:00Z");
  private static final long LIMIT = 1_000;

  private static LocalDynamoDb db;
  private static DynamoDbClient client;
  private static int tables;

  /** A clock that stands still until the test moves it. */
  static final class SetClock extends Clock {
    private volatile Instant now;

    SetClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }

  @BeforeAll
  static void start() {
    db = LocalDynamoDb.startInMemory();
    client = DynamoClients.create(db.endpoint(), "us-east-1");
  }

  @AfterAll
  static void stop() {
    client.close();
    db.close();
  }

  private static IngestLimiter limiter(Clock clock) {
    String table = "limiter-" + ++tables;
    TableSchema.ensureTable(client, table);
    return new IngestLimiter(new DynamoProjectStore(client, table, clock), new DynamoIngestQuota(client, table), clock, LIMIT,
        Duration.ofSeconds(10));
  }

  @Test
  void aUsedUpBudgetIsRefusedUntilTheMinuteEndsAndFreshTheMomentTheNextBegins() {
    SetClock clock = new SetClock(MINUTE_START.plusSeconds(20));
    IngestLimiter limiter = limiter(clock);
    long minute = MINUTE_START.getEpochSecond() / 60;

    assertEquals(new IngestLimiter.Decision.Admitted(minute, 600), limiter.admit(1, 600, LIMIT));
    assertEquals(new IngestLimiter.Decision.Admitted(minute, 400), limiter.admit(1, 400, LIMIT));
    assertEquals(new IngestLimiter.Decision.OverLimit(LIMIT, 40), limiter.admit(1, 1, LIMIT), "40 s to the next minute");
    clock.set(MINUTE_START.plusSeconds(59).plusMillis(999));
    assertEquals(new IngestLimiter.Decision.OverLimit(LIMIT, 1), limiter.admit(1, 1, LIMIT), "never less than 1 s");
    assertEquals(LIMIT, limiter.usedThisMinute(1));

    clock.set(MINUTE_START.plusSeconds(60));
    assertEquals(0, limiter.usedThisMinute(1), "a new minute starts with nothing used");
    assertEquals(new IngestLimiter.Decision.Admitted(minute + 1, 1000), limiter.admit(1, 1000, LIMIT));
    assertEquals(new IngestLimiter.Decision.OverLimit(LIMIT, 60), limiter.admit(1, 1, LIMIT));
  }

  @Test
  void aRefundGoesBackToTheMinuteItWasChargedIn() {
    SetClock clock = new SetClock(MINUTE_START.plusSeconds(59));
    IngestLimiter limiter = limiter(clock);
    IngestLimiter.Decision.Admitted charged = assertInstanceOf(IngestLimiter.Decision.Admitted.class, limiter.admit(1, 700, LIMIT));

    clock.set(MINUTE_START.plusSeconds(61));
    limiter.admit(1, 300, LIMIT);
    limiter.refund(1, charged); // the store failed; the retry arrives in the next minute
    assertEquals(300, limiter.usedThisMinute(1), "the new minute keeps its own count");
    clock.set(MINUTE_START.plusSeconds(59));
    assertEquals(0, limiter.usedThisMinute(1), "the earlier minute got its bytes back");
  }

  @Test
  void aChangedLimitIsReadAgainOnceTheCacheTimeHasPassed() {
    SetClock clock = new SetClock(MINUTE_START);
    String table = "limiter-" + ++tables;
    TableSchema.ensureTable(client, table);
    DynamoProjectStore projects = new DynamoProjectStore(client, table, clock);
    IngestLimiter limiter = new IngestLimiter(projects, new DynamoIngestQuota(client, table), clock, LIMIT, Duration.ofSeconds(10));
    Project project = projects.create(3, "limits", 5_000);
    assertEquals(5_000, limiter.limitOf(project.projectId()));

    projects.setLimit(project.projectId(), 9_000);
    clock.set(MINUTE_START.plusSeconds(9));
    assertEquals(5_000, limiter.limitOf(project.projectId()), "cached for 10 s");
    clock.set(MINUTE_START.plusSeconds(10));
    assertEquals(9_000, limiter.limitOf(project.projectId()), "read again after 10 s");
    assertEquals(LIMIT, limiter.limitOf(project.projectId() + 1000), "a project without its own limit has the default");
  }
}
