/** The canonical request model shared by every ingress dialect and provider adapter. */
package dev.switchboard.model;
