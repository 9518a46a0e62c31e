/**
 * Identifiers and values every module shares: projects, access tokens, scopes and grants, trace ids.
 * Depends on nothing.
 */
package dev.tracing.model;
