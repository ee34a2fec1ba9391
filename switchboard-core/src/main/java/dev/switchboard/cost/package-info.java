/** Model list prices and the USD cost of token usage (pure, no I/O beyond the bundled price table). */
package dev.switchboard.cost;
