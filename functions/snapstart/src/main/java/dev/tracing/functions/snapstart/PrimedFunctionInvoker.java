package dev.tracing.functions.snapstart;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.crac.Core;
import org.crac.Resource;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * The Lambda handler of every function, with SnapStart priming (see docs/deploy.md): Spring Cloud Function's {@link FunctionInvoker} plus a CRaC {@link Resource} whose
 * {@link #beforeCheckpoint} sends one throwaway event through {@link #handleRequest}, as Powertools
 * for AWS Lambda and aws-samples' {@code PrimingResource} do. Lambda calls it once, after init and
 * before it takes the snapshot of the published version, so the snapshot already holds the classes,
 * Jackson's and the AWS SDK's caches, and the JIT state of a handled request: the first real
 * request after a restore does not pay for them.
 *
 * <p>The priming event is chosen per function so that it changes nothing that matters: a token
 * that cannot exist (authorizer), a project id that is never allocated (the other three; ingest
 * then leaves one rate-limit counter item with its one-hour TTL and stores no span). It goes
 * through the whole path, DynamoDB call included, with the function's own IAM permissions.
 *
 * <p>Priming must never fail a deployment: any failure is logged and ignored.
 */
public class PrimedFunctionInvoker extends FunctionInvoker implements Resource {
  /** Where each function's Lambda package keeps its priming event. */
  public static final String PRIMING_EVENT_RESOURCE = "snapstart/priming-event.json";
  private static final Logger LOG = Logger.getLogger(PrimedFunctionInvoker.class.getName());
  private static final AtomicInteger PRIMINGS = new AtomicInteger();

  private final byte[] primingEvent;

  /** The Lambda handler's constructor: the priming event comes from the package. */
  public PrimedFunctionInvoker() {
    this(loadPrimingEvent());
  }

  public PrimedFunctionInvoker(byte[] primingEvent) {
    super();
    this.primingEvent = primingEvent;
    Core.getGlobalContext().register(this);
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    if (primingEvent == null) {
      LOG.warning("no " + PRIMING_EVENT_RESOURCE + " in the package: the snapshot is taken unprimed");
      return;
    }
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    try {
      handleRequest(new ByteArrayInputStream(primingEvent), answer, LocalContext.priming(LOG::info));
      PRIMINGS.incrementAndGet();
      LOG.info("primed before the snapshot: " + summary(answer));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "priming failed; the snapshot is taken as it is", e);
    }
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing to renew: the DynamoDB client reconnects by itself, credentials come from the
    // restored environment, and no cached token or limit outlives its TTL (both are timed).
  }

  /** How many priming invocations completed in this JVM (for the cold-start benchmark). */
  public static int primings() {
    return PRIMINGS.get();
  }

  private static String summary(ByteArrayOutputStream answer) {
    String s = answer.toString(StandardCharsets.UTF_8);
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  private static byte[] loadPrimingEvent() {
    try (InputStream in = PrimedFunctionInvoker.class.getClassLoader().getResourceAsStream(PRIMING_EVENT_RESOURCE)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
