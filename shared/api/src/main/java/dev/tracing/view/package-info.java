/**
 * JSON answers of the query routes and of trace detail, written with Jackson's streaming API.
 */
package dev.tracing.view;
