/**
 * The storage interfaces on one DynamoDB table (AWS SDK v2): the item layouts ({@code ChunkItems},
 * {@code SummaryItems}, {@code TableSchema}; see docs/storage.md), the stores, capacity accounting, the mapping of
 * DynamoDB errors, and {@link dev.tracing.storage.dynamodb.DynamoStores}, which wires a client and every store
 * from the configuration.
 */
package dev.tracing.storage.dynamodb;
