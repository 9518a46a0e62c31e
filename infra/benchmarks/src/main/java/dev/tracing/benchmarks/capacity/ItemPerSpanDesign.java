package dev.tracing.benchmarks.capacity;

import dev.tracing.otlp.TraceBatcher;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;

/**
 * The naive design the storage guidance warns about, for comparison only: one item per span (the
 * span's OTLP bytes, its service and list fields) under {@code pk = project#trace}, plus one GSI
 * keyed by project and hour with the span start as sort key, projecting the list fields. Its
 * capacity is computed with the same rules and accountant as ours; nothing is written anywhere.
 */
public final class ItemPerSpanDesign {
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);
  private static final HexFormat HEX = HexFormat.of();
  private final CapacityAccountant accountant = new CapacityAccountant("spans", List.of("pk", "sk"),
      CapacityCalculator.IndexSpec.include("by_start", "gpk", "gsk", List.of("svc", "op", "dur", "sc", "exp")));

  public void write(long projectId, ExportTraceServiceRequest request) {
    for (ResourceSpans rs : request.getResourceSpansList()) {
      String service = TraceBatcher.serviceName(rs.getResource());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          String traceId = HEX.formatHex(span.getTraceId().toByteArray());
          long start = span.getStartTimeUnixNano();
          Map<String, AttributeValue> item = new HashMap<>();
          item.put("pk", AttributeValue.fromS("T#" + projectId + "#" + traceId));
          item.put("sk", AttributeValue.fromS(HEX.formatHex(span.getSpanId().toByteArray())));
          item.put("gpk", AttributeValue.fromS("L#" + projectId + "#" + HOUR.format(Instant.ofEpochSecond(start / 1_000_000_000L))));
          item.put("gsk", AttributeValue.fromS(String.format("%019d#%s", start, traceId)));
          item.put("svc", AttributeValue.fromS(service));
          item.put("op", AttributeValue.fromS(span.getName()));
          item.put("dur", AttributeValue.fromN(Long.toString(span.getEndTimeUnixNano() - start)));
          item.put("sc", AttributeValue.fromN(Integer.toString(span.getStatus().getCodeValue())));
          item.put("exp", AttributeValue.fromN(Long.toString(start / 1_000_000_000L + 30 * 86400)));
          // the span itself; its resource is kept once per service elsewhere, so not counted here
          item.put("d", AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(span.toByteArray())));
          accountant.account(PutItemRequest.builder().tableName("spans").item(item).build(), PutItemResponse.builder().build());
        }
      }
    }
  }

  public CapacityAccountant accountant() {
    return accountant;
  }
}
