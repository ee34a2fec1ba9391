package dev.switchboard.routing;

import dev.switchboard.provider.ProviderEndpoint;

/** Where one attempt goes: a provider and the model name it knows. {@code publicModel} is what the client asked for. */
public record Target(ProviderEndpoint provider, String upstreamModel, String publicModel) {}
