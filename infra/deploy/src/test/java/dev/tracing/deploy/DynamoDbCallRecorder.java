package dev.tracing.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Records every DynamoDB call a client makes, as the IAM permission it needs:
 * {@code dynamodb:<Operation>} on the table, or on {@code table/index/<name>} for a Query or Scan
 * of an index (IAM authorizes those against the index's ARN).
 */
final class DynamoDbCallRecorder implements ExecutionInterceptor {
  /** One permission: the action and the resource, {@code table} or {@code table/index/<name>}. */
  record Permission(String action, String resource) implements Comparable<Permission> {
    @Override
    public int compareTo(Permission o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return action + " on " + resource;
    }
  }

  private final Set<Permission> calls = new ConcurrentSkipListSet<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    String index = null;
    if (context.request() instanceof QueryRequest q) {
      index = q.indexName();
    } else if (context.request() instanceof ScanRequest s) {
      index = s.indexName();
    }
    calls.add(new Permission("dynamodb:" + operation, index == null ? "table" : "table/index/" + index));
  }

  Set<Permission> calls() {
    return new TreeSet<>(calls);
  }
}
