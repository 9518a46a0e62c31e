package dev.tracing.benchmarks.parts;

import dev.tracing.benchmarks.harness.Config;
import dev.tracing.benchmarks.harness.Report;
import dev.tracing.benchmarks.harness.Report.Kind;
import dev.tracing.benchmarks.ingest.IngestPipeline;
import dev.tracing.benchmarks.ingest.Payloads;
import dev.tracing.benchmarks.workload.OtlpWorkload;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the ingest endpoint's CPU goes: the protobuf ingest path in a loop on one thread under
 * Java Flight Recorder (method sampling every 10 ms), then the hottest methods by own time and by
 * inclusive time. The recording is kept for {@code jfr print --events jdk.ExecutionSample} or JMC.
 */
public final class ProfilePart {
  private ProfilePart() {
  }

  public static void run(Config cfg, Report report, PrintStream out) throws IOException, java.text.ParseException {
    Payloads payloads = new Payloads(OtlpWorkload.Shape.sdkBatch(), 8, 42);
    Path file = Files.createTempFile("ingest-profile-", ".jfr");
    Duration warm = cfg.smoke() ? Duration.ofMillis(300) : Duration.ofSeconds(10);
    Duration measure = cfg.smoke() ? Duration.ofMillis(700) : Duration.ofSeconds(30);
    long requests = 0;
    try (IngestPipeline pipeline = new IngestPipeline()) {
      loop(pipeline, payloads, warm);
      try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.start();
        requests = loop(pipeline, payloads, measure);
        recording.stop();
        recording.dump(file);
      }
    }
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> natives = new HashMap<>();
    Map<String, Long> allocations = new HashMap<>();
    long allocated = 0;
    double gcPauseMillis = 0;
    int gcs = 0;
    int samples = 0;
    String me = Thread.currentThread().getName();
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      String type = e.getEventType().getName();
      if (type.equals("jdk.GarbageCollection")) {
        gcs++;
        gcPauseMillis += e.getDuration("sumOfPauses").toNanos() / 1e6;
        continue;
      }
      if (type.equals("jdk.NativeMethodSample") && e.getStackTrace() != null && !e.getStackTrace().getFrames().isEmpty()
          && e.getThread("sampledThread").getJavaName().equals(me)) {
        natives.merge(name(e.getStackTrace().getFrames().get(0)), 1, Integer::sum);
        continue;
      }
      if (type.equals("jdk.ObjectAllocationSample") && e.getStackTrace() != null && e.getThread("eventThread") != null
          && me.equals(e.getThread("eventThread").getJavaName())) {
        long w = e.getLong("weight");
        allocated += w;
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
          String n = name(f);
          if (n.startsWith("dev.tracing.") && !n.startsWith("dev.tracing.benchmarks.")) {
            allocations.merge(n, w, Long::sum);
            break;
          }
        }
        continue;
      }
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null
          || !e.getThread("sampledThread").getJavaName().equals(Thread.currentThread().getName())) {
        continue;
      }
      samples++;
      List<RecordedFrame> frames = e.getStackTrace().getFrames();
      if (frames.isEmpty()) {
        continue;
      }
      self.merge(name(frames.get(0)), 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      for (RecordedFrame f : frames) {
        String n = name(f);
        if (seen.add(n)) {
          inclusive.merge(n, 1, Integer::sum);
        }
      }
    }
    out.printf("JFR recording %s: %d samples of the ingest thread, %d requests (%.0f spans/s while recording)%n", file, samples,
        requests, requests * 512.0 / measure.toSeconds());
    out.printf("GC: %d collections, %.0f ms of pauses in %d s; ~%.0f MB allocated per request (sampled)%n", gcs, gcPauseMillis,
        measure.toSeconds(), allocated / 1e6 / Math.max(1, requests));
    print(out, "own time (top frame)", self, samples, 25);
    print(out, "native method samples (top frame)", natives, natives.values().stream().mapToInt(Integer::intValue).sum(), 8);
    out.println("-- allocation by nearest product frame (sampled bytes per request) --");
    final long reqs = Math.max(1, requests);
    allocations.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(12)
        .forEach(en -> out.printf("%8.2f MB  %s%n", en.getValue() / 1e6 / reqs, en.getKey()));
    print(out, "inclusive time (on the stack)", filter(inclusive), samples, 40);
    if (cfg.smoke()) {
      // A smoke run checks that the part works; its recording is of no use afterwards.
      Files.deleteIfExists(file);
    }
    report.add("profile", "ingest endpoint under JFR", requests * 512.0 / measure.toMillis() * 1000, "spans/s", null, Kind.MEASURED,
        samples + " samples; recording " + (cfg.smoke() ? "deleted (smoke run)" : file.toString()));
  }

  private static Map<String, Integer> filter(Map<String, Integer> inclusive) {
    Map<String, Integer> out = new HashMap<>();
    inclusive.forEach((k, v) -> {
      if (k.startsWith("dev.tracing.") && !k.startsWith("dev.tracing.benchmarks.") || k.startsWith("com.google.protobuf.")
          || k.startsWith("software.amazon.") || k.startsWith("java.util.zip.") || k.startsWith("tools.jackson.")) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static void print(PrintStream out, String title, Map<String, Integer> counts, int total, int top) {
    out.println("-- " + title + " --");
    counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
        .forEach(e -> out.printf("%5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static long loop(IngestPipeline pipeline, Payloads payloads, Duration d) {
    long end = System.nanoTime() + d.toNanos();
    long n = 0;
    while (System.nanoTime() < end) {
      Payloads.Form form = Payloads.Form.PROTOBUF;
      if (pipeline.handle(form.contentType, form.contentEncoding, payloads.body(form, (int) (n % payloads.size()))).status() != 200) {
        throw new IllegalStateException("ingest failed");
      }
      n++;
    }
    return n;
  }
}
