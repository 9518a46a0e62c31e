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
   * @throws BodyException 415 for an unknown content type or encoding, 413 for a body over the
   *     cap, 400 for a body that is not a valid export request
   */
  public ExportTraceServiceRequest read(String contentType, String contentEncoding, byte[] body) {
    Encoding encoding = encodingOf(contentType);
    if (encoding == null) {
      throw new BodyException(415, "unsupported Content-Type '" + (contentType == null ? "" : quote(contentType))
          + "': send application/x-protobuf or application/json (OTLP/HTTP)");
    }
    if (body.length > maxBodyBytes) {
      throw new BodyException(413, "the request body is " + body.length + " bytes; the largest accepted is " + maxBodyBytes
          + " bytes: send smaller batches");
    }
    byte[] raw = inflate(contentEncoding, body);
    if (encoding == Encoding.PROTOBUF) {
      return parseProtobuf(raw);
    }
    try {
      return OtlpJson.parseRequest(raw);
    } catch (OtlpFormatException e) {
      throw new BodyException(400, "the body is not a valid OTLP/JSON ExportTraceServiceRequest: " + e.getMessage());
    }
  }

  private byte[] inflate(String contentEncoding, byte[] body) {
    String ce = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    if (ce.isEmpty() || ce.equals("identity")) {
      return body;
    }
    if (!ce.equals("gzip") && !ce.equals("x-gzip")) {
      throw new BodyException(415, "unsupported Content-Encoding '" + quote(contentEncoding) + "': send gzip or no encoding");
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBodyBytes, body.length * 4 + 64));
      byte[] buf = new byte[16384];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > maxBodyBytes) {
          throw new BodyException(413, "the gzip body inflates to more than " + maxBodyBytes
              + " bytes, the largest accepted: send smaller batches");
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
