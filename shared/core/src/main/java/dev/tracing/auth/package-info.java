/**
 * Token authentication: hashing, lookup with a short cache, the verdict and the context an API Gateway
 * authorizer hands to the routed functions, and the authorizer's HTTP-neutral endpoint.
 */
package dev.tracing.auth;
