/** The command line: serve, validate, models. */
package dev.switchboard.cli;
