/**
 * The Anthropic Messages dialect at the gateway's front door: a Messages request becomes the canonical (OpenAI)
 * request, and the canonical answer, stream and errors go back out as Anthropic's message, event sequence and
 * error shape. Pure translators; no I/O.
 */
package dev.switchboard.ingress.anthropic;
