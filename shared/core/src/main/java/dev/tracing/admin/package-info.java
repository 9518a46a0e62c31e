/**
 * Project and token administration (the local stack's {@code admin} command, tests and benchmarks) and the
 * scheduled compactor's endpoint.
 */
package dev.tracing.admin;
