/** Who is calling: client keys and which models they may use. */
package dev.switchboard.access;
