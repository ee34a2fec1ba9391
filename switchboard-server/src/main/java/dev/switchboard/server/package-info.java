/** The wiring: Gateway, the Vert.x verticle and its routes, caller identification, the small handlers (models, token counts, access requests); the call engine is {@code engine}. */
package dev.switchboard.server;
