/** The immutable per-config-version state that requests read. */
package dev.switchboard.runtime;
