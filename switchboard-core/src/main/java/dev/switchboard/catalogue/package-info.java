/** The bundled catalogue of provider types: OpenAI-compatible vendors as data. */
package dev.switchboard.catalogue;
