/** The table from a catalogue dialect to its vendor adapter: the one place that names every vendor package. */
package dev.switchboard.adapters;
