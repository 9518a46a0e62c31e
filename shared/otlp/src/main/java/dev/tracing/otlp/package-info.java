/**
 * OpenTelemetry protocol: request bodies (protobuf and OTLP/JSON, gzip), the export response and
 * {@code google.rpc.Status} answers, spans grouped by trace into chunks (encoded, split to the item size and decoded
 * back), ids and attribute terms of decoded spans. {@code OtlpJsonValues} is the reader's
 * package-private helper.
 */
package dev.tracing.otlp;
