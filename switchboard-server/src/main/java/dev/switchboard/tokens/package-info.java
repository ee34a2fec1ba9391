/** Token estimates of request bodies before they go upstream (jtokkit), for limits and budgets. */
package dev.switchboard.tokens;
