package dev.tracing.rollup;

/**
 * One rollup cell's identity.
 *
 * @param bucketSecond the bucket's start, epoch seconds, a multiple of the granularity
 * @param dimension what the cells of a family are split by before the bucket: the filter key for
 *     {@link RollupFamily#TRACES}, the service for {@link RollupFamily#OPERATIONS}, empty otherwise
 * @param name the cell's name within its bucket: the service ({@link RollupFamily#SERVICES}),
 *     the span name ({@link RollupFamily#OPERATIONS}), {@code parent<US>child}
 *     ({@link RollupFamily#EDGES}), empty for {@link RollupFamily#TRACES}
 */
public record RollupKey(RollupFamily family, Granularity granularity, long bucketSecond, String dimension, String name) {
}
