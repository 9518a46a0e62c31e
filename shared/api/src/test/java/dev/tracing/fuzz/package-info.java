/**
 * Bad input at the decoder level: coverage-guided fuzz tests (Jazzer) of the OTLP decoders and
 * the query parsers, and the malformed-request corpus they feed.
 *
 * <h2>What is checked</h2>
 *
 * <p>{@link dev.tracing.fuzz.BadInputContract} holds the promises: a body is a request or an
 * {@code OtlpBody.BodyException} with 400, 413 or 415; OTLP/JSON fails only with an
 * {@code OtlpFormatException}; span validation never throws, accounts for every span, and only
 * accepts spans the store can keep (they read back from protobuf, and fit a DynamoDB item with
 * their resource); URL decoding fails only with an {@code IllegalArgumentException}, the query
 * parsers only with an {@code InvalidParameterException} naming the parameter, and a parsed query
 * has a window of at most 7 days, start before end, whatever its parameters or page token. Every
 * refusal carries a message for the client, without Java internals.
 *
 * <ul>
 *   <li>{@link dev.tracing.fuzz.OtlpProtobufFuzzTest}: protobuf bodies, then span validation.
 *   <li>{@link dev.tracing.fuzz.OtlpJsonFuzzTest}: OTLP/JSON bodies, then span validation, and
 *       the JSON written back reads as the same request.
 *   <li>{@link dev.tracing.fuzz.OtlpBodyFuzzTest}: any Content-Type and Content-Encoding, gzip
 *       (valid, corrupt, bombs) included.
 *   <li>{@link dev.tracing.fuzz.QueryStringFuzzTest}: raw query strings through URL decoding and
 *       the list and analytics parsers; {@link dev.tracing.fuzz.QueryParametersFuzzTest}: the
 *       parsers on parameter maps built directly.
 *   <li>{@link dev.tracing.fuzz.PageTokenFuzzTest}: {@code page_token} strings, and tokens made
 *       with {@code PageToken.encode} from fuzzed fields under the tests' secret.
 *   <li>{@link dev.tracing.fuzz.EndpointFuzzTest}: ingest, list and detail endpoints end to end
 *       over {@link dev.tracing.fuzz.InMemoryTraceStore}, without DynamoDB.
 *   <li>{@link dev.tracing.fuzz.MalformedCorpusTest}: the readable corpus under
 *       {@code src/test/resources/corpus} (how to add an entry: see that class).
 * </ul>
 *
 * <h2>How they run</h2>
 *
 * <p><b>Every build ({@code mvn test})</b>: each fuzz test runs in Jazzer's regression mode, on
 * its seeds (the captured SDK requests and query strings, see {@link dev.tracing.fuzz.Seeds}) and
 * on the inputs saved under {@code src/test/resources/dev/tracing/fuzz/<Class>Inputs/<method>/},
 * where Jazzer writes every crash it finds. A saved crash is a regression test from then on; give
 * the interesting ones a readable corpus entry too.
 *
 * <p><b>{@code mvn verify}</b>: the surefire execution {@code fuzz} (phase integration-test, see
 * shared/pom.xml) then really fuzzes each {@code *FuzzTest} class for its
 * {@code @FuzzTest(maxDuration)} of 4 s. Jazzer fuzzes one fuzz test per JVM, so each class gets a
 * JVM of its own, two at a time. Skip it with {@code -Dfuzz.skip}; run it alone with
 * {@code mvn -pl shared surefire:test@fuzz} (after {@code test-compile}).
 *
 * <p><b>A long run</b> of one target, e.g. ten minutes (any class above; findings land in its
 * inputs directory, new coverage in {@code shared/.cifuzz-corpus/}, which is local state):
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * JAZZER_FUZZ=1 mvn -B -pl shared test -Dtest=OtlpJsonFuzzTest -Djazzer.max_duration=10m
 * </pre>
 *
 * <p>Add {@code -Djazzer.keep_going=20} to collect up to 20 distinct findings instead of stopping
 * at the first, and {@code -Djazzer.instrument=dev.tracing.**,io.opentelemetry.proto.**,tools.jackson.core.**}
 * to let coverage guide the fuzzer inside the protobuf and Jackson parsers too (slower start,
 * deeper runs). All targets in turn:
 *
 * <pre>
 * for t in OtlpProtobufFuzzTest OtlpJsonFuzzTest OtlpBodyFuzzTest QueryStringFuzzTest \
 *          QueryParametersFuzzTest PageTokenFuzzTest EndpointFuzzTest; do
 *   JAZZER_FUZZ=1 mvn -B -pl shared test -Dtest=$t -Djazzer.max_duration=10m || echo "$t found something"
 * done
 * </pre>
 *
 * <p>A known, unfixed crash in an inputs directory stops fuzzing of that target at once (it is
 * replayed first); fix it, or pass {@code -Djazzer.ignore=<its DEDUP_TOKEN>} to fuzz past it.
 */
package dev.tracing.fuzz;
