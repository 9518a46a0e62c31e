/**
 * The HTTP-neutral endpoints of ingest, trace listing and trace detail: {@link dev.tracing.api.ApiRequest} in,
 * {@link dev.tracing.api.ApiResponse} out, errors in the API's one shape. Route access checks and path ids are
 * package-private.
 */
package dev.tracing.api;
