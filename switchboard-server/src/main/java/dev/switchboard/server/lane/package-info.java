/** The Netty side of the listener: the front door (connection guard, head gate, peer table) and the fast lane that serves model calls without Vert.x's per-request objects. */
package dev.switchboard.server.lane;
