/** Token usage: what each request consumed and where it is reported. */
package dev.switchboard.usage;
