/**
 * What the store throws, at the bottom of its layers so every layer and every caller outside the store can name it
 * without reaching into the store's JDBC internals.
 */
package dev.switchboard.store.failure;
