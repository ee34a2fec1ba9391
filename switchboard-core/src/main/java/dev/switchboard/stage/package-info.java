/**
 * The stage SPI: what runs on every model call's request and answer (a cache, masking, guardrails, templates,
 * logging), configured globally and per team, key and route. No Vert.x types: a stage that needs I/O returns a
 * {@link java.util.concurrent.CompletionStage} and the engine resumes on the request's event loop.
 */
package dev.switchboard.stage;
