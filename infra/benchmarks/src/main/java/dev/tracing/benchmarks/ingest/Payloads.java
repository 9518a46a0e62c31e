package dev.tracing.benchmarks.ingest;

import dev.tracing.benchmarks.workload.OtlpWorkload;
import dev.tracing.testing.OtlpJsonWriter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** A set of SDK-shaped export batches in each wire form ingest accepts. */
public final class Payloads {
  public enum Form {
    PROTOBUF("application/x-protobuf", null),
    PROTOBUF_GZIP("application/x-protobuf", "gzip"),
    JSON("application/json", null),
    JSON_GZIP("application/json", "gzip");

    public final String contentType;
    public final String contentEncoding;

    Form(String contentType, String contentEncoding) {
      this.contentType = contentType;
      this.contentEncoding = contentEncoding;
    }
  }

  private final List<ExportTraceServiceRequest> requests;
  private final List<byte[]> protobuf = new ArrayList<>();
  private final List<byte[]> protobufGzip = new ArrayList<>();
  private final List<byte[]> json = new ArrayList<>();
  private final List<byte[]> jsonGzip = new ArrayList<>();

  /** {@code count} batches of the shape, spans started within the last hour before now. */
  public Payloads(OtlpWorkload.Shape shape, int count, long seed) {
    OtlpWorkload workload = new OtlpWorkload(shape, seed);
    long now = System.currentTimeMillis() * 1_000_000L;
    requests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ExportTraceServiceRequest r = workload.nextBatch(now - 3_600_000_000_000L, now - 1_000_000_000L);
      requests.add(r);
      byte[] pb = r.toByteArray();
      byte[] js = OtlpJsonWriter.writeRequest(r);
      protobuf.add(pb);
      protobufGzip.add(gzip(pb));
      json.add(js);
      jsonGzip.add(gzip(js));
    }
  }

  public int size() {
    return requests.size();
  }

  public ExportTraceServiceRequest request(int i) {
    return requests.get(i);
  }

  public byte[] body(Form form, int i) {
    return switch (form) {
      case PROTOBUF -> protobuf.get(i);
      case PROTOBUF_GZIP -> protobufGzip.get(i);
      case JSON -> json.get(i);
      case JSON_GZIP -> jsonGzip.get(i);
    };
  }

  public double meanBytes(Form form) {
    double sum = 0;
    for (int i = 0; i < size(); i++) {
      sum += body(form, i).length;
    }
    return sum / size();
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
