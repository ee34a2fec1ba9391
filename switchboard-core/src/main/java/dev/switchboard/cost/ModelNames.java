package dev.switchboard.cost;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Strips the decorations vendors put around a model family name, for price lookup and limit keys. */
public final class ModelNames {
    // Google's resource names: "models/x", "publishers/google/models/x", "projects/p/locations/l/publishers/google/models/x"
    private static final Pattern GOOGLE_RESOURCE = Pattern.compile("^(projects/[^/]+/locations/[^/]+/)?(publishers/[^/]+/)?models/(?=.)");
    // Bedrock-style vendor prefixes such as "us.anthropic." (letters and dots only, so "gemini-1.5" is kept).
    private static final Pattern VENDOR_PREFIX = Pattern.compile("^([a-z]+\\.)+(?=[a-z])");
    private static final Pattern BEDROCK_VERSION = Pattern.compile("-v\\d+(:\\d+)?$");
    private static final Pattern VERTEX_VERSION = Pattern.compile("@[0-9a-z-]+$");
    private static final List<Pattern> SUFFIXES = List.of(
            Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$"),
            Pattern.compile("-\\d{8}$"),
            Pattern.compile("-preview(-\\d{2}-\\d{2})?$"),
            Pattern.compile("-exp(-\\d{2}-\\d{2})?$"),
            Pattern.compile("-latest$"),
            Pattern.compile("-\\d{3,4}$"));

    private ModelNames() {
    }

    /**
     * One spelling for the names an upstream treats as the same model: trimmed, lowercased, without Google's
     * {@code models/} resource prefix. Returns the argument itself when nothing changes (no allocation).
     */
    public static String canonical(String model) {
        String name = model.strip().toLowerCase(Locale.ROOT);
        if (name.indexOf('/') >= 0) {
            name = GOOGLE_RESOURCE.matcher(name).replaceFirst("");
        }
        return name;
    }

    /** The name canonicalised, then successively shorter variants; the last one is the most stripped. */
    static List<String> variants(String model) {
        List<String> out = new ArrayList<>();
        String name = canonical(model);
        out.add(name);
        name = add(out, VERTEX_VERSION.matcher(name).replaceFirst(""));
        name = add(out, BEDROCK_VERSION.matcher(name).replaceFirst(""));
        name = add(out, VENDOR_PREFIX.matcher(name).replaceFirst(""));
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Pattern suffix : SUFFIXES) {
                String stripped = suffix.matcher(name).replaceFirst("");
                if (!stripped.equals(name) && !stripped.isEmpty()) {
                    name = add(out, stripped);
                    changed = true;
                }
            }
        }
        return out;
    }

    /**
     * Whether {@code family} is {@code name} or a prefix ending where a new dash- or colon-part begins. A
     * {@code -pro} part is a dearer tier, never the family's ({@code o3-pro} costs ten times {@code o3}).
     */
    static boolean isFamilyPrefix(String family, String name) {
        if (!name.startsWith(family)) {
            return false;
        }
        if (name.length() == family.length()) {
            return true;
        }
        char next = name.charAt(family.length());
        if (next == '-' && dearerTier(name, family.length() + 1)) {
            return false;
        }
        return next == '-' || next == ':' || next == '@';
    }

    private static boolean dearerTier(String name, int from) {
        if (!name.startsWith("pro", from)) {
            return false;
        }
        int end = from + 3;
        return end == name.length() || !Character.isLetterOrDigit(name.charAt(end));
    }

    private static String add(List<String> out, String name) {
        if (!out.getLast().equals(name)) {
            out.add(name);
        }
        return name;
    }
}
