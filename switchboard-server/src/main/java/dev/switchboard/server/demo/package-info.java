/** The built-in demo upstream (an OpenAI-shaped fake) for trying the gateway without keys. */
package dev.switchboard.server.demo;
