package dev.switchboard.routing.condition;

import java.util.List;
import java.util.Set;
import com.google.re2j.Pattern;

/**
 * A parsed routing condition. Immutable and thread-safe; all parsing work (regexes, numbers, sets) is done once
 * by {@link ConditionParser}, so {@link #test} only reads facts and compares.
 * A missing value (null) matches only {@code !=} and {@code not in}.
 */
public sealed interface Condition {
    /** Matches every request (the default branch). */
    Condition ALWAYS = new Constant(true);
    /** Matches no request; stands in for a condition that failed to parse. */
    Condition NEVER = new Constant(false);

    boolean test(RequestFacts facts);

    record Constant(boolean value) implements Condition {
        @Override
        public boolean test(RequestFacts facts) {
            return value;
        }
    }

    /** Every part holds (several fields in one map, or {@code all:}). */
    record All(List<Condition> parts) implements Condition {
        public All {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean test(RequestFacts facts) {
            for (int i = 0, n = parts.size(); i < n; i++) {
                if (!parts.get(i).test(facts)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** At least one part holds. */
    record Any(List<Condition> parts) implements Condition {
        public Any {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean test(RequestFacts facts) {
            for (int i = 0, n = parts.size(); i < n; i++) {
                if (parts.get(i).test(facts)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Not(Condition part) implements Condition {
        @Override
        public boolean test(RequestFacts facts) {
            return !part.test(facts);
        }
    }

    /**
     * Textual {@code ==} (or {@code !=} when negated). A null {@code value} tests presence: {@code == null}
     * holds when the field is absent.
     */
    record TextEquals(Field field, String value, boolean negated) implements Condition {
        @Override
        public boolean test(RequestFacts facts) {
            String actual = field.text(facts);
            boolean equal = actual == null ? value == null : actual.equals(value);
            return equal != negated;
        }
    }

    /** {@code in} (or {@code not in} when negated) a set of texts. */
    record TextIn(Field field, Set<String> values, boolean negated) implements Condition {
        public TextIn {
            values = Set.copyOf(values);
        }

        @Override
        public boolean test(RequestFacts facts) {
            String actual = field.text(facts);
            return actual == null ? negated : values.contains(actual) != negated;
        }
    }

    /**
     * A full match of the whole value, in RE2 syntax (linear time: no backtracking, so no pattern can stall the
     * event loop). An absent value, or one longer than {@link #MAX_REGEX_INPUT} characters, never matches: values
     * come from clients (headers up to 64 KiB), and even linear matching of that much per rule costs too much.
     */
    record TextMatches(Field field, Pattern pattern) implements Condition {
        public static final int MAX_REGEX_INPUT = 4096;

        @Override
        public boolean test(RequestFacts facts) {
            String actual = field.text(facts);
            return actual != null && actual.length() <= MAX_REGEX_INPUT && pattern.matcher(actual).matches();
        }
    }

    /** A numeric comparison; an absent or non-numeric value never matches, whatever the operator. */
    record NumberCompare(Field field, Comparison comparison, double operand) implements Condition {
        @Override
        public boolean test(RequestFacts facts) {
            double actual = field.number(facts);
            if (Double.isNaN(actual)) {
                return false;
            }
            return switch (comparison) {
                case LT -> actual < operand;
                case GT -> actual > operand;
                case LE -> actual <= operand;
                case GE -> actual >= operand;
                case EQ -> actual == operand;
                case NE -> actual != operand;
            };
        }
    }

    /** A boolean field equal to {@code expected}. */
    record FlagEquals(Field field, boolean expected) implements Condition {
        @Override
        public boolean test(RequestFacts facts) {
            return field.flag(facts) == expected;
        }
    }

    enum Comparison { LT, GT, LE, GE, EQ, NE }
}
