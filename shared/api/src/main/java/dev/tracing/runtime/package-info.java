/**
 * Wiring of the ingest, list and detail functions: the stores, configuration and endpoints one function
 * instance holds.
 */
package dev.tracing.runtime;
