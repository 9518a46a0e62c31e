package dev.tracing.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The contract of {@link IngestQuota}, run by every storage backend as a {@code @Nested} subclass. */
public abstract class IngestQuotaContract {
  protected static final long PROJECT = 42;
  protected static final long MINUTE = 29_660_000; // an epoch minute in November 2026
  protected static final long LIMIT = 1_000;

  /** A quota over this test's backend, which starts with no bytes counted. */
  protected abstract IngestQuota quota();

  @Test
  void nothingIsUsedInAMinuteWithoutRequests() {
    assertEquals(0, quota().used(PROJECT, MINUTE));
  }

  @Test
  void bytesUnderTheLimitAreCounted() {
    assertTrue(quota().tryConsume(PROJECT, MINUTE, 300, LIMIT));
    assertTrue(quota().tryConsume(PROJECT, MINUTE, 200, LIMIT));

    assertEquals(500, quota().used(PROJECT, MINUTE));
  }

  @Test
  void bytesReachingExactlyTheLimitAreCounted() {
    assertTrue(quota().tryConsume(PROJECT, MINUTE, 600, LIMIT));
    assertTrue(quota().tryConsume(PROJECT, MINUTE, 400, LIMIT));

    assertEquals(LIMIT, quota().used(PROJECT, MINUTE));
  }

  @Test
  void requestThatWouldPassTheLimitIsRefusedAndNotCounted() {
    assertTrue(quota().tryConsume(PROJECT, MINUTE, 600, LIMIT));

    assertFalse(quota().tryConsume(PROJECT, MINUTE, 401, LIMIT));
    assertEquals(600, quota().used(PROJECT, MINUTE));
  }

  @Test
  void oneByteMoreAfterTheLimitIsRefused() {
    assertTrue(quota().tryConsume(PROJECT, MINUTE, LIMIT, LIMIT));

    assertFalse(quota().tryConsume(PROJECT, MINUTE, 1, LIMIT));
    assertEquals(LIMIT, quota().used(PROJECT, MINUTE));
  }

  @Test
  void requestLargerThanTheWholeLimitIsRefusedInAnEmptyMinute() {
    assertFalse(quota().tryConsume(PROJECT, MINUTE, LIMIT + 1, LIMIT));
    assertEquals(0, quota().used(PROJECT, MINUTE));
  }

  @Test
  void refundGivesBytesBackForLaterRequests() {
    assertTrue(quota().tryConsume(PROJECT, MINUTE, 700, LIMIT));
    quota().refund(PROJECT, MINUTE, 700);

    assertEquals(0, quota().used(PROJECT, MINUTE));
    assertTrue(quota().tryConsume(PROJECT, MINUTE, LIMIT, LIMIT));
    assertEquals(LIMIT, quota().used(PROJECT, MINUTE));
  }

  @Test
  void partialRefundLeavesTheRestCounted() {
    assertTrue(quota().tryConsume(PROJECT, MINUTE, 700, LIMIT));
    assertTrue(quota().tryConsume(PROJECT, MINUTE, 200, LIMIT));
    quota().refund(PROJECT, MINUTE, 200);

    assertEquals(700, quota().used(PROJECT, MINUTE));
  }

  @Test
  void eachMinuteHasItsOwnCounter() {
    assertTrue(quota().tryConsume(PROJECT, MINUTE, LIMIT, LIMIT));

    assertTrue(quota().tryConsume(PROJECT, MINUTE + 1, 250, LIMIT));
    assertEquals(LIMIT, quota().used(PROJECT, MINUTE));
    assertEquals(250, quota().used(PROJECT, MINUTE + 1));
    assertEquals(0, quota().used(PROJECT, MINUTE - 1));
  }

  @Test
  void eachProjectHasItsOwnCounter() {
    assertTrue(quota().tryConsume(PROJECT, MINUTE, LIMIT, LIMIT));

    assertTrue(quota().tryConsume(PROJECT + 1, MINUTE, 10, LIMIT));
    assertEquals(LIMIT, quota().used(PROJECT, MINUTE));
    assertEquals(10, quota().used(PROJECT + 1, MINUTE));
  }

  @Test
  void raisedLimitAdmitsMoreInTheSameMinute() {
    assertTrue(quota().tryConsume(PROJECT, MINUTE, LIMIT, LIMIT));
    assertFalse(quota().tryConsume(PROJECT, MINUTE, 500, LIMIT));

    assertTrue(quota().tryConsume(PROJECT, MINUTE, 500, 2 * LIMIT));
    assertEquals(LIMIT + 500, quota().used(PROJECT, MINUTE));
  }

  @Test
  void concurrentRequestsNeverTogetherPassTheLimit() throws Exception {
    int threads = 16;
    int requestsPerThread = 40;
    long limit = 100_000;
    AtomicLong accepted = new AtomicLong();
    List<Long> refusedSizes = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          IngestQuota quota = quota(); // one per thread, like separate function instances
          start.await();
          for (int i = 0; i < requestsPerThread; i++) {
            long bytes = ThreadLocalRandom.current().nextLong(1, 4_000);
            if (quota.tryConsume(PROJECT, MINUTE, bytes, limit)) {
              accepted.addAndGet(bytes);
            } else {
              refusedSizes.add(bytes);
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    long used = quota().used(PROJECT, MINUTE);
    assertTrue(accepted.get() <= limit, "accepted " + accepted.get() + " bytes with a limit of " + limit);
    assertEquals(accepted.get(), used);
    assertFalse(refusedSizes.isEmpty(), "~1.3 MB offered against 100 KB: some requests must be refused");
    // Counters only grow, so a refusal is only right if that request would not fit even at the end.
    for (long size : refusedSizes) {
      assertTrue(used + size > limit, "a request of " + size + " bytes was refused although " + used + " of " + limit
          + " bytes were used in the end");
    }
  }
}
