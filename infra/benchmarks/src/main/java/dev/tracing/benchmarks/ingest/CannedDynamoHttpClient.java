package dev.tracing.benchmarks.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An SDK HTTP client that answers every DynamoDB call at once with the smallest successful
 * answer (no item, nothing unprocessed), so a benchmark of the ingest function measures its CPU
 * (decode, validate, map, encode, plus the AWS SDK's marshalling and request signing) and none of
 * the network or the store. It reads each request body as a real client would send it.
 */
public final class CannedDynamoHttpClient implements SdkHttpClient {
  private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BATCH_WRITE = "{\"UnprocessedItems\":{}}".getBytes(StandardCharsets.US_ASCII);
  private final LongAdder requests = new LongAdder();
  private final LongAdder bytesSent = new LongAdder();

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
    long sent = 0;
    if (request.contentStreamProvider().isPresent()) {
      try (InputStream in = request.contentStreamProvider().get().newStream()) {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
          sent += n;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    requests.increment();
    bytesSent.add(sent);
    byte[] body = target.endsWith(".BatchWriteItem") ? BATCH_WRITE : EMPTY;
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() {
        return HttpExecuteResponse.builder()
            .response(SdkHttpResponse.builder().statusCode(200)
                .putHeader("Content-Type", "application/x-amz-json-1.0")
                .putHeader("Content-Length", Integer.toString(body.length))
                .build())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
            .build();
      }

      @Override
      public void abort() {
      }
    };
  }

  public long requests() {
    return requests.sum();
  }

  public long bytesSent() {
    return bytesSent.sum();
  }

  @Override
  public String clientName() {
    return "canned";
  }

  @Override
  public void close() {
  }
}
