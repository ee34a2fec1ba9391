package dev.switchboard.stage;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The stage types this gateway has, by type name. */
public final class StageCatalogue {
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static volatile StageCatalogue installed;

    private final Map<String, StageFactory> factories;

    public StageCatalogue(Iterable<StageFactory> factories) {
        Map<String, StageFactory> byType = new TreeMap<>();
        for (StageFactory f : factories) {
            if (!TYPE.matcher(f.type()).matches()) {
                throw new IllegalArgumentException("stage type '" + f.type() + "' is not lower case, digits and _");
            }
            if (byType.putIfAbsent(f.type(), f) != null) {
                throw new IllegalArgumentException("two stage factories for type '" + f.type() + "'");
            }
        }
        this.factories = Collections.unmodifiableMap(byType);
    }

    /** The factories on the class path (ServiceLoader), loaded once. */
    public static StageCatalogue installed() {
        StageCatalogue c = installed;
        if (c == null) {
            c = new StageCatalogue(ServiceLoader.load(StageFactory.class, StageCatalogue.class.getClassLoader()));
            installed = c;
        }
        return c;
    }

    public StageFactory find(String type) {
        return factories.get(type);
    }

    public Set<String> types() {
        return factories.keySet();
    }
}
