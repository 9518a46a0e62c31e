/**
 * Query semantics for the list, analytics, service metrics and service map routes: parameters and their
 * validation, signed page tokens, and the services that answer from the trace index and the rollups. Used by this
 * module's endpoints; public so that the endpoints in {@code dev.tracing.api} and the JSON views in
 * {@code dev.tracing.view} can reach them.
 */
package dev.tracing.query;
