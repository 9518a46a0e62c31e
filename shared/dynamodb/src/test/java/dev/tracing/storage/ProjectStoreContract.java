package dev.tracing.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.model.Project;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The contract of {@link ProjectStore}, run by every storage backend as a {@code @Nested} subclass. */
public abstract class ProjectStoreContract {
  protected static final Instant CREATED = Instant.parse("2026-11-24T10:15:30.123456789Z");

  /**
   * A store over this test's backend, which starts empty for every test; each call may return a new
   * store object, but all of them see the same data.
   */
  protected abstract ProjectStore projects(Clock clock);

  private ProjectStore projects() {
    return projects(Clock.fixed(CREATED, ZoneOffset.UTC));
  }

  @Test
  void createdProjectIsFoundWithEveryField() {
    Project created = projects().create(7, "web shop", 102_400);

    assertEquals(new Project(7, created.projectId(), "web shop", 102_400, CREATED), created);
    assertTrue(created.projectId() > 0, "ids are positive: they appear in API paths");
    assertEquals(Optional.of(created), projects().find(created.projectId()));
  }

  @Test
  void eachNewProjectGetsAHigherId() {
    long first = projects().create(1, "a", 100).projectId();
    long second = projects().create(1, "b", 100).projectId();
    long third = projects().create(2, "c", 100).projectId();

    assertTrue(first < second && second < third, "ids " + first + ", " + second + ", " + third);
  }

  @Test
  void concurrentCreatorsNeverGetTheSameId() throws Exception {
    int threads = 8;
    int perThread = 5;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Long> ids = Collections.synchronizedList(new ArrayList<>());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          ProjectStore store = projects(); // one store per creator, like separate processes
          start.await();
          for (int i = 0; i < perThread; i++) {
            ids.add(store.create(thread + 1, "p" + thread + "-" + i, 100).projectId());
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

    assertEquals(threads * perThread, new TreeSet<>(ids).size(), "distinct ids among " + ids);
    assertEquals(threads * perThread, projects().list().size());
  }

  @Test
  void unknownProjectIsNotFound() {
    Project only = projects().create(1, "only", 100);

    assertEquals(Optional.empty(), projects().find(only.projectId() + 1));
    assertEquals(Optional.empty(), projects().find(987_654_321L));
  }

  @Test
  void emptyStoreListsNoProjects() {
    assertEquals(List.of(), projects().list());
  }

  @Test
  void listReturnsEveryProjectInIdOrder() {
    List<Project> created = new ArrayList<>();
    for (int i = 0; i < 12; i++) { // past 9 and 10, where text order and number order differ
      created.add(projects().create(100 + i, "project " + i, 1_000 + i));
    }

    assertEquals(created, projects().list());
  }

  @Test
  void setLimitChangesOnlyThatProjectsLimit() {
    Project shop = projects().create(7, "shop", Project.DEFAULT_BYTES_PER_MINUTE);
    Project blog = projects().create(7, "blog", Project.DEFAULT_BYTES_PER_MINUTE);

    Optional<Project> raised = projects().setLimit(shop.projectId(), Project.RAISED_BYTES_PER_MINUTE);

    Project expected = new Project(7, shop.projectId(), "shop", Project.RAISED_BYTES_PER_MINUTE, CREATED);
    assertEquals(Optional.of(expected), raised);
    assertEquals(Optional.of(expected), projects().find(shop.projectId()));
    assertEquals(Optional.of(blog), projects().find(blog.projectId()));
  }

  @Test
  void setLimitOfAMissingProjectIsEmptyAndCreatesNothing() {
    Project shop = projects().create(7, "shop", 100);

    assertEquals(Optional.empty(), projects().setLimit(shop.projectId() + 1, 5_000));
    assertEquals(Optional.empty(), projects().find(shop.projectId() + 1));
    assertEquals(List.of(shop), projects().list());
  }

  @Test
  void idsAreNotHandedOutAgainAfterTheLastProjectChanged() {
    Project a = projects().create(1, "a", 100);
    Project b = projects().create(1, "b", 100);
    projects().setLimit(b.projectId(), 200);

    Project c = projects().create(1, "c", 100);

    assertEquals(3, Set.of(a.projectId(), b.projectId(), c.projectId()).size());
    assertTrue(c.projectId() > b.projectId());
  }
}
