/** Server-sent events framing only: parsing and encoding, no HTTP. */
package dev.switchboard.sse;
