/** What both lanes share on the wire: pre-encoded header names and the client side of one answer. */
package dev.switchboard.server.wire;
