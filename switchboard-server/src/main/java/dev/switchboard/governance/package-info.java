/** Who may call and how much: store-backed keys, JWT callers, network rules, limits, budgets and cost. */
package dev.switchboard.governance;
