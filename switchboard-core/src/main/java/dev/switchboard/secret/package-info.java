/** A secret value from the config (API keys, passwords, tokens) that never prints itself. */
package dev.switchboard.secret;
