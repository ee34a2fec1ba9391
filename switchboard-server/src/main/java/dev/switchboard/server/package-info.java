/** The wiring (Gateway, the Vert.x verticle and its routes) and, until they get rooms of their own, the call engine, the relays and the governance glue. */
package dev.switchboard.server;
