package dev.switchboard.routing.condition;

/** Lenient number parsing for header and metadata values: anything that is not a plain number is NaN. */
final class Numbers {
    private Numbers() {}

    static double parse(String s) {
        if (s == null || s.isEmpty() || s.length() > 64) {
            return Double.NaN;
        }
        // a cheap check first: an exception per non-numeric header would cost more than the whole rule
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E' || c == ' ')) {
                return Double.NaN;
            }
        }
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
