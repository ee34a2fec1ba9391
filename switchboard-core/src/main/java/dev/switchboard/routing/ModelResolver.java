package dev.switchboard.routing;

import dev.switchboard.adapters.ChatAdapters;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.error.NearMiss;
import dev.switchboard.provider.ProviderEndpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a public model name, either an alias from the config or {@code provider/model}, to a target whose
 * upstream model is validated and canonical for its provider's dialect.
 * Immutable and thread-safe; rebuilt on config reload.
 */
public final class ModelResolver {
    private final Map<String, ProviderEndpoint> providers;
    private final Map<String, Target> aliases = new LinkedHashMap<>();

    public ModelResolver(Map<String, ProviderEndpoint> providers, List<ModelAlias> aliasList) {
        this.providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers)); // config order, for listings
        for (ModelAlias a : aliasList) {
            int slash = a.target().indexOf('/');
            ProviderEndpoint p = providers.get(a.target().substring(0, slash));
            try {
                aliases.put(a.name(), new Target(p, upstreamModel(p, a.target().substring(slash + 1)), a.name()));
            } catch (GatewayException e) { // the config's own name: refuse the config, naming the alias
                throw new IllegalArgumentException("models: alias '" + a.name() + "': " + e.getMessage(), e);
            }
        }
    }

    public Target resolve(String model) {
        Target alias = aliases.get(model);
        if (alias != null) {
            return alias;
        }
        int slash = model.indexOf('/');
        if (slash > 0 && slash < model.length() - 1) {
            ProviderEndpoint p = providers.get(model.substring(0, slash));
            if (p != null) {
                return new Target(p, upstreamModel(p, model.substring(slash + 1)), model);
            }
            throw notFound(model, "unknown provider '" + model.substring(0, slash) + "'"
                    + NearMiss.hint(model.substring(0, slash), providers.keySet()));
        }
        throw notFound(model, "use provider/model or a configured alias" + NearMiss.hint(model, aliases.keySet()));
    }

    /**
     * The provider's own spelling of the model, checked before anything is sent (a name that could escape into a
     * URL path is a 400) and canonical (e.g. Gemini's {@code models/x} is {@code x}), so that prices, limits and
     * breakers see one name per model.
     */
    private static String upstreamModel(ProviderEndpoint p, String model) {
        return ChatAdapters.forProvider(p).upstreamModel(p, model);
    }

    /** The model names to advertise: aliases first, then each provider's declared models as provider/model. */
    public List<String> advertised() {
        List<String> out = new ArrayList<>(aliases.keySet());
        for (ProviderEndpoint p : providers.values()) {
            for (String m : p.models()) {
                out.add(p.name() + "/" + m);
            }
        }
        return out;
    }

    public Map<String, ProviderEndpoint> providers() {
        return providers;
    }

    private static GatewayException notFound(String model, String why) {
        return GatewayException.param(ErrorKind.MODEL_NOT_FOUND, "model",
                "The model '" + model + "' does not exist: " + why + ".");
    }
}
