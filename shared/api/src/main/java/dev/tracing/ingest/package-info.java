/**
 * Ingest: the per-project, per-minute byte limit and the service that validates, folds and stores a request's
 * spans.
 */
package dev.tracing.ingest;
