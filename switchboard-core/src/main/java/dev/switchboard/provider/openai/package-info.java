/** The OpenAI dialect upstream: every OpenAI-compatible vendor of the catalogue goes through here. */
package dev.switchboard.provider.openai;
