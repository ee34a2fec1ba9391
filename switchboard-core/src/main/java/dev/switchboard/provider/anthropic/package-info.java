/**
 * The Anthropic Messages upstream: the canonical (OpenAI-shaped) chat request translated to {@code POST /v1/messages},
 * and Anthropic's message, event stream and errors translated back. Pure: no I/O, no threads.
 */
package dev.switchboard.provider.anthropic;
