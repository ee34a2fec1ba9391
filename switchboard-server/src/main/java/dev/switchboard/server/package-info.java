/** The Vert.x data plane: ingress router, upstream calls, stream relay, built-in demo upstream, wiring. */
package dev.switchboard.server;
