/** One error model: {@link dev.switchboard.error.GatewayException} carrying an {@link dev.switchboard.error.ErrorKind}. */
package dev.switchboard.error;
