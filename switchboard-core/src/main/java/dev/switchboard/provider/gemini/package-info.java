/**
 * The Google Gemini dialect (native {@code generateContent} / {@code streamGenerateContent?alt=sse}), translated
 * to and from the canonical OpenAI Chat Completions shape. Pure: no I/O, no Vert.x.
 */
package dev.switchboard.provider.gemini;
