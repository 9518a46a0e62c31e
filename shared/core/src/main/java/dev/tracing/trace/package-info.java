/**
 * The trace domain, free of any wire or storage format: the facts ingest keeps of each span
 * ({@link dev.tracing.trace.SpanFacts}), a trace's summary and how fragments merge into it, calls between services,
 * attribute terms, and the compact binary state a summary is kept in. Depends on nothing.
 */
package dev.tracing.trace;
