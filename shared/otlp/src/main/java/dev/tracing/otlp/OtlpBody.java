package dev.tracing.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads an OTLP/HTTP trace export body: picks the encoding from {@code Content-Type}, undoes
 * {@code Content-Encoding: gzip} with a cap on the inflated size (a gzip bomb stops at the cap,
 * not at the end of memory), and decodes protobuf or OTLP/JSON.
 */
public final class OtlpBody {

  /** The two OTLP/HTTP encodings. */
  public enum Encoding {
    PROTOBUF, JSON
  }

  /** Why a body was refused, with the HTTP status that says so. */
  public static final class BodyException extends RuntimeException {
    private final int status;

    public BodyException(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final int maxBodyBytes;

  /** @param maxBodyBytes the largest body accepted, before and after decompression */
  public OtlpBody(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The encoding a {@code Content-Type} names, or {@code null} when it names neither. */
  public static Encoding encodingOf(String contentType) {
    if (contentType == null) {
      return null;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "application/x-protobuf", "application/protobuf" -> Encoding.PROTOBUF;
      case "application/json" -> Encoding.JSON;
      default -> null;
    };
  }

  /**
   * How much larger than its protobuf encoding an OTLP/JSON body may be: hex ids, repeated field
   * names and quoting make real exports 2 to 5 times larger. A JSON body beyond this multiple of
   * the project's limit could not pass the limiter, which counts protobuf bytes.
   */
  public static final int JSON_EXPANSION = 8;

  /** Reads a body with no per-project limit: only the body cap applies. */
  public ExportTraceServiceRequest read(String contentType, String contentEncoding, byte[] body) {
    return read(contentType, contentEncoding, body, Long.MAX_VALUE);
  }

  /**
   * Reads a body for a project whose ingest limit is {@code bytesPerMinute}. A body that could
   * never fit in a minute's limit is refused before it is decoded, so a small body that inflates,
   * or decodes, into a huge object graph never reaches the heap: a protobuf message's encoded
   * size is its size for the limiter, so the (inflated) protobuf body may not exceed the limit;
   * an OTLP/JSON body may not exceed {@link #JSON_EXPANSION} times the limit.
   *
   * @throws BodyException 415 for an unknown content type or encoding, 413 for a body over the
   *     cap or one that can never fit the project's limit, 400 for a body that is not a valid
   *     export request
   */
  public ExportTraceServiceRequest read(String contentType, String contentEncoding, byte[] body, long bytesPerMinute) {
    return decode(contentType, contentEncoding, body, bytesPerMinute).request();
  }

  /**
   * A decoded body.
   *
   * <p>{@link #protobuf()}: the request's protobuf bytes as received (inflated), or as {@link
   * OtlpJsonTranscoder} wrote them for an OTLP/JSON body ({@link #transcoded()}); {@code null} for
   * an OTLP/JSON body that the reader read. A transcoded body's message is parsed from those bytes
   * only when {@link #request()} is first asked for: ingest reads what it needs from the bytes
   * ({@link TraceBatcher#split(Decoded, java.time.Instant)}).
   */
  public static final class Decoded {
    private ExportTraceServiceRequest request;
    private final byte[] protobuf;
    private final boolean transcoded;

    private Decoded(ExportTraceServiceRequest request, byte[] protobuf, boolean transcoded) {
      this.request = request;
      this.protobuf = protobuf;
      this.transcoded = transcoded;
    }

    /** The request; for a transcoded body, parsed now if it was not before. */
    public ExportTraceServiceRequest request() {
      if (request == null) {
        request = parseProtobuf(protobuf);
      }
      return request;
    }

    public byte[] protobuf() {
      return protobuf;
    }

    /** Whether {@link #protobuf()} was written by {@link OtlpJsonTranscoder}, not received. */
    public boolean transcoded() {
      return transcoded;
    }

    /** The request's size for the ingest limit: its protobuf encoding (as received, when it came so). */
    public long protobufBytes() {
      return protobuf != null ? protobuf.length : request.getSerializedSize();
    }
  }

  /** {@link #read(String, String, byte[], long)}, keeping a protobuf body's bytes. */
  public Decoded decode(String contentType, String contentEncoding, byte[] body, long bytesPerMinute) {
    Encoding encoding = encodingOf(contentType);
    if (encoding == null) {
      throw new BodyException(415, "unsupported Content-Type '" + (contentType == null ? "" : quote(contentType))
          + "': send application/x-protobuf or application/json (OTLP/HTTP)");
    }
    if (body.length > maxBodyBytes) {
      throw new BodyException(413, "the request body is " + body.length + " bytes; the largest accepted is " + maxBodyBytes
          + " bytes: send smaller batches");
    }
    Cap cap = capFor(encoding, bytesPerMinute);
    byte[] raw = inflate(contentEncoding, body, cap);
    if (raw.length > cap.bytes()) {
      throw new BodyException(413, "the request body is " + raw.length + " bytes" + cap.reason());
    }
    if (encoding == Encoding.PROTOBUF) {
      return new Decoded(parseProtobuf(raw), raw, false);
    }
    // the exporters' form of OTLP/JSON is transcoded and then handled as protobuf; any other body is
    // read by the reader, which also words every refusal
    byte[] transcoded = OtlpJsonTranscoder.toProtobuf(raw);
    if (transcoded != null) {
      return new Decoded(null, transcoded, true);
    }
    try {
      return new Decoded(OtlpJsonReader.parseRequest(raw), null, false);
    } catch (OtlpFormatException e) {
      throw new BodyException(400, "the body is not a valid OTLP/JSON ExportTraceServiceRequest: " + e.getMessage());
    }
  }

  /** The largest decoded body, and why: the refusal's words after "N bytes". */
  private record Cap(long bytes, String reason) {
  }

  private Cap capFor(Encoding encoding, long bytesPerMinute) {
    String largest = "; the largest accepted is " + maxBodyBytes + " bytes: send smaller batches";
    String advice = ", so it can never be accepted: export smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)"
        + " or ask an operator to raise the limit";
    if (encoding == Encoding.PROTOBUF) {
      return bytesPerMinute < maxBodyBytes
          ? new Cap(bytesPerMinute, " but the project's ingest limit is " + bytesPerMinute + " bytes per minute" + advice)
          : new Cap(maxBodyBytes, largest);
    }
    long jsonCap = bytesPerMinute > Long.MAX_VALUE / JSON_EXPANSION ? Long.MAX_VALUE : bytesPerMinute * JSON_EXPANSION;
    return jsonCap < maxBodyBytes
        ? new Cap(jsonCap, " of OTLP/JSON, more than " + JSON_EXPANSION + " times the project's ingest limit of " + bytesPerMinute
            + " bytes per minute (counted protobuf-encoded)" + advice + "; protobuf is the more compact encoding")
        : new Cap(maxBodyBytes, largest);
  }

  private byte[] inflate(String contentEncoding, byte[] body, Cap cap) {
    String ce = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    if (ce.isEmpty() || ce.equals("identity")) {
      return body;
    }
    if (!ce.equals("gzip") && !ce.equals("x-gzip")) {
      throw new BodyException(415, "unsupported Content-Encoding '" + quote(contentEncoding) + "': send gzip or no encoding");
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(cap.bytes(), body.length * 4L + 64));
      byte[] buf = new byte[16384];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > cap.bytes()) {
          throw new BodyException(413, "the gzip body inflates to more than " + cap.bytes() + " bytes" + cap.reason());
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (ZipException e) {
      throw new BodyException(400, "the body is not valid gzip (Content-Encoding: gzip): " + e.getMessage());
    } catch (java.io.EOFException e) {
      throw new BodyException(400, "the gzip body is truncated (Content-Encoding: gzip)");
    } catch (IOException e) {
      throw new BodyException(400, "the gzip body could not be read: " + e.getMessage());
    }
  }

  /** A header value as echoed in a message: a hostile value is quoted in part only. */
  private static String quote(String value) {
    return value.length() <= 100 ? value : value.substring(0, 100) + "...";
  }

  private static ExportTraceServiceRequest parseProtobuf(byte[] raw) {
    try {
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(raw);
      // Random bytes often "parse" as unknown fields; an export request has only resource_spans.
      if (!request.getUnknownFields().asMap().isEmpty()) {
        throw new BodyException(400, "the body is not an OTLP ExportTraceServiceRequest (unexpected top-level protobuf fields "
            + request.getUnknownFields().asMap().keySet() + "); check Content-Type and the exporter's protocol");
      }
      return request;
    } catch (InvalidProtocolBufferException e) {
      throw new BodyException(400, "the body is not a valid OTLP protobuf ExportTraceServiceRequest: " + e.getMessage());
    }
  }
}
