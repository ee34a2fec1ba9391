/** Which provider and model serve a request. */
package dev.switchboard.routing;
