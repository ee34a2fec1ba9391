package dev.switchboard.cache.semantic;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The units a text names, in order: length, mass, volume, data size, temperature, speed, currency. "Convert 5 feet to
 * meters" and "Convert 5 inches to meters" embed at 0.91, "30 °C in °F" and "30 °F in °C" at 0.99; texts are compared
 * by meaning only when their units are the same, in the same order. Spellings of one unit count as one ("km",
 * "kilometre", "kilometers"). Single letters ("m", "g") are left out: "I'm" would read as metres.
 */
public final class UnitGuard {
    private static final Pattern WORD = Pattern.compile("[\\p{L}$€£¥°/]+");
    private static final Map<String, String> UNITS = units();

    private UnitGuard() {}

    /** The units of {@code text}, normalised, space-separated, in order; empty when none. */
    public static String signature(String text) {
        StringBuilder out = new StringBuilder();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String unit = UNITS.get(m.group());
            if (unit != null) {
                if (!out.isEmpty()) {
                    out.append(' ');
                }
                out.append(unit);
            }
        }
        return out.toString();
    }

    private static Map<String, String> units() {
        Map<String, String> map = new java.util.HashMap<>();
        put(map, "m", "meter", "meters", "metre", "metres");
        put(map, "km", "kilometer", "kilometers", "kilometre", "kilometres", "km");
        put(map, "cm", "centimeter", "centimeters", "centimetre", "centimetres", "cm");
        put(map, "mm", "millimeter", "millimeters", "millimetre", "millimetres", "mm");
        put(map, "mi", "mile", "miles");
        put(map, "ft", "foot", "feet", "ft");
        put(map, "in", "inch", "inches");
        put(map, "yd", "yard", "yards", "yd");
        put(map, "g", "gram", "grams", "gramme", "grammes");
        put(map, "kg", "kilogram", "kilograms", "kilo", "kilos", "kg");
        put(map, "lb", "pound", "pounds", "lb", "lbs");
        put(map, "oz", "ounce", "ounces", "oz");
        put(map, "t", "ton", "tons", "tonne", "tonnes");
        put(map, "l", "liter", "liters", "litre", "litres");
        put(map, "ml", "milliliter", "milliliters", "millilitre", "millilitres", "ml");
        put(map, "gal", "gallon", "gallons", "gal");
        put(map, "qt", "quart", "quarts");
        put(map, "pt", "pint", "pints");
        put(map, "cup", "cup", "cups");
        put(map, "tsp", "teaspoon", "teaspoons", "tsp");
        put(map, "tbsp", "tablespoon", "tablespoons", "tbsp");
        put(map, "B", "byte", "bytes");
        put(map, "KB", "kilobyte", "kilobytes", "kb", "kib");
        put(map, "MB", "megabyte", "megabytes", "mb", "mib");
        put(map, "GB", "gigabyte", "gigabytes", "gb", "gib");
        put(map, "TB", "terabyte", "terabytes", "tb", "tib");
        put(map, "bit", "bit", "bits");
        put(map, "C", "celsius", "centigrade", "°c");
        put(map, "F", "fahrenheit", "°f");
        put(map, "K", "kelvin", "kelvins");
        put(map, "mph", "mph");
        put(map, "kmh", "kph", "km/h", "kmh");
        put(map, "kn", "knot", "knots");
        put(map, "USD", "usd", "dollar", "dollars", "$");
        put(map, "EUR", "eur", "euro", "euros", "€");
        put(map, "GBP", "gbp", "sterling", "£");
        put(map, "JPY", "jpy", "yen", "¥");
        put(map, "s", "second", "seconds", "sec", "secs");
        put(map, "min", "minute", "minutes", "mins");
        put(map, "h", "hour", "hours", "hr", "hrs");
        put(map, "d", "day", "days");
        put(map, "wk", "week", "weeks");
        put(map, "mo", "month", "months");
        put(map, "yr", "year", "years");
        return Map.copyOf(map);
    }

    private static void put(Map<String, String> map, String unit, String... spellings) {
        for (String s : spellings) {
            map.put(s, unit);
        }
    }
}
