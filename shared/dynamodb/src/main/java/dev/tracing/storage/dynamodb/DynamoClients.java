package dev.tracing.storage.dynamodb;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds the DynamoDB client once per process (functions do it at initialization, never per
 * request), with the small URLConnection HTTP client and bounded timeouts so a dead store turns
 * into a prompt {@code 503} instead of a hung request.
 */
public final class DynamoClients {
  /** Credentials for local endpoints: letters and digits only, as DynamoDB Local requires. */
  public static final String LOCAL_ACCESS_KEY = "tracinglocal";

  private DynamoClients() {
  }

  /**
   * @param endpoint a local or custom endpoint, or {@code null} for AWS with the default
   *     credentials chain
   * @param region the region name, or {@code null} for the SDK's default region lookup
   */
  public static DynamoDbClient create(URI endpoint, String region) {
    var builder = DynamoDbClient.builder()
        .httpClient(httpClient())
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            // Exporters give up after 10 s (OTel's default export timeout): answer 503 before that.
            .apiCallAttemptTimeout(Duration.ofSeconds(4))
            .apiCallTimeout(Duration.ofSeconds(8))
            .build());
    if (endpoint != null) {
      builder.endpointOverride(endpoint)
          .region(Region.of(region != null ? region : "us-east-1"))
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LOCAL_ACCESS_KEY, "local")));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
      if (region != null) {
        builder.region(Region.of(region));
      }
    }
    return builder.build();
  }

  /**
   * The HTTP client of {@link #create}: the URLConnection client with bounded connect and read
   * timeouts, sending request bodies buffered ({@link BufferedBodyHttpClient} says why).
   */
  public static SdkHttpClient httpClient() {
    return new BufferedBodyHttpClient(UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(2))
        .socketTimeout(Duration.ofSeconds(5))
        .build());
  }
}
