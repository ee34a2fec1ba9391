package dev.switchboard.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated request for one model operation. The body is the canonical form: OpenAI's wire shape,
 * a superset other dialects convert to and from, with every field the gateway does not know kept as is.
 * The body is never mutated; translators copy before they change it.
 *
 * @param model the public model name the client asked for
 * @param clientRequestedUsage whether the client itself asked for the usage chunk of a stream
 */
public record ModelRequest(Operation operation, String model, boolean stream, boolean clientRequestedUsage, ObjectNode body) {}
