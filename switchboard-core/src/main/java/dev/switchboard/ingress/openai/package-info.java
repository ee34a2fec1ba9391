/** The OpenAI dialect at the gateway's front door: request decoding and error rendering. */
package dev.switchboard.ingress.openai;
