/**
 * What the product needs of its storage, as interfaces ({@link dev.tracing.storage.TraceWriter},
 * {@link dev.tracing.storage.TraceReader}, {@link dev.tracing.storage.TraceIndex}, the project, token, quota, rollup
 * and service stores) and the values they exchange. {@code dev.tracing.storage.dynamodb} (module
 * {@code tracing-dynamodb}) implements them.
 */
package dev.tracing.storage;
