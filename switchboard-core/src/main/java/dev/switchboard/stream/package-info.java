/**
 * Typed stream events: what a provider's stream decoder emits ({@link dev.switchboard.stream.StreamDecoder}) and a
 * client dialect's stream encoder writes ({@link dev.switchboard.stream.StreamEncoder}), with
 * {@link dev.switchboard.stream.StreamTransform}s (stages) in between. No stream is framed as text and parsed back on
 * its way through the gateway. {@link dev.switchboard.stream.CanonicalChunkEncoder} writes the canonical (OpenAI)
 * client stream; {@code provider.TypedStream} composes a decoder, transforms and an encoder into what the relay drives.
 */
package dev.switchboard.stream;
