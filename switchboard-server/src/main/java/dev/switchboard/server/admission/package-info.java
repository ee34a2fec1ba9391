/** The arithmetic of admission, free of the request's state: limit scopes, per-model limits, plan prices, output estimates, a stream's allowance, the access-request limit. */
package dev.switchboard.server.admission;
