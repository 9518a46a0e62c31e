/**
 * API Gateway HTTP API (payload 2.0) events: adapting them to and from the HTTP-neutral requests and
 * responses, and building them for the local stack's gateway.
 */
package dev.tracing.gateway;
