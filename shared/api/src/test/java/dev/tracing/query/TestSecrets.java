package dev.tracing.query;

import dev.tracing.query.PageToken;
import java.nio.charset.StandardCharsets;

/** The page-token secret the tests' endpoints sign with, and its codec, so a test can make the tokens they accept. */
public final class TestSecrets {
  public static final String PAGE_TOKEN_SECRET = "the page-token secret of the shared module's tests";
  public static final PageToken PAGE_TOKENS = new PageToken(PAGE_TOKEN_SECRET.getBytes(StandardCharsets.UTF_8));

  private TestSecrets() {
  }
}
