/**
 * Rollups: per-project time-bucket aggregates (counts, errors, a mergeable log-scale duration histogram) for
 * whole traces, services, operations and calls between services, and the keys and batches they are written in.
 * Depends on nothing.
 */
package dev.tracing.rollup;
