/**
 * The deployment's configuration, read once from the environment; every variable the functions read is named
 * here.
 */
package dev.tracing.config;
