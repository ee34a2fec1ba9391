package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The cheap rules that keep texts whose embeddings are alike but whose answers differ apart. */
class GuardsTest {
    @Test
    void numbersInOrderDigitsAndWordsAlike() {
        assertThat(NumberGuard.signature("what is 2+2")).isEqualTo("2 + 2");
        assertThat(NumberGuard.signature("What is two plus two?")).isEqualTo("2 + 2");
        assertThat(NumberGuard.signature("what is 2+3")).isEqualTo("2 + 3");
        assertThat(NumberGuard.signature("1,000 divided by 8")).isEqualTo("1000 / 8");
        assertThat(NumberGuard.signature("round 3.14159")).isEqualTo("3.14159");
        assertThat(NumberGuard.signature("which one is better")).isEmpty();
    }

    @Test
    void polarityWordsAndTheirSpellings() {
        assertThat(PolarityGuard.signature("Is coffee good for you?")).isEmpty();
        assertThat(PolarityGuard.signature("Is coffee not good for you?")).isEqualTo("not");
        assertThat(PolarityGuard.signature("Why don't cats like boxes?")).isEqualTo("not");
        assertThat(PolarityGuard.signature("Why don\u2019t cats like boxes?")).isEqualTo("not");
        assertThat(PolarityGuard.signature("a brief poem")).isEqualTo(PolarityGuard.signature("a short poem"));
        assertThat(PolarityGuard.signature("enable dark mode")).isNotEqualTo(PolarityGuard.signature("disable it"));
    }

    @Test
    void unitsAndCalendarWords() {
        assertThat(UnitGuard.signature("Convert 10 miles to kilometers"))
                .isNotEqualTo(UnitGuard.signature("Convert 10 kilometers to miles"));
        assertThat(UnitGuard.signature("5 km")).isEqualTo(UnitGuard.signature("5 kilometres"));
        assertThat(UnitGuard.signature("I'm here")).isEmpty();
        assertThat(CalendarGuard.signature("news on 9 May 2021")).isEqualTo("may");
        assertThat(CalendarGuard.signature("May I ask something?")).isEmpty();
        assertThat(CalendarGuard.signature("in the fall")).isEqualTo(CalendarGuard.signature("in autumn"));
    }

    @Test
    void sameWordsInAnotherOrderAreAnotherQuestion() {
        assertThat(WordOrderGuard.compatible("Convert JSON to YAML.", "Convert YAML to JSON.")).isFalse();
        assertThat(WordOrderGuard.compatible("Convert JSON to YAML.", "convert json to yaml")).isTrue();
        assertThat(WordOrderGuard.compatible("How do I center a div?", "How can I center a div?")).isTrue();
    }

    @Test
    void romanNumeralsAndOffCount() {
        assertThat(NumberGuard.signature("causes of World War II")).isEqualTo("2");
        assertThat(NumberGuard.signature("causes of World War I")).isEmpty();
        assertThat(NumberGuard.signature("I mix videos")).isEmpty();
        assertThat(PolarityGuard.signature("turn off bluetooth")).isNotEqualTo(PolarityGuard.signature("turn on bluetooth"));
    }

    @Test
    void oneSwappedDetailIsAMinimalPair() {
        var swap = ContrastGuard.swap("How do I make a pivot table in Excel?", "How can I make a pivot table in Google Sheets?");
        assertThat(swap).isNotNull();
        assertThat(swap.named()).isTrue();
        var lower = ContrastGuard.swap("Give me a vegetarian dinner recipe.", "Give me a vegan dinner recipe.");
        assertThat(lower).isNotNull();
        assertThat(lower.named()).isFalse();
        // stems and function words: the same question
        assertThat(ContrastGuard.swap("What caused World War I?", "What were the causes of World War I?")).isNull();
        assertThat(ContrastGuard.swap("How many legs does a spider have?", "How many legs do spiders have?")).isNull();
        // rewording in several places is left to the embedding
        assertThat(ContrastGuard.swap("How do I fix a leaky faucet?", "How can I repair a dripping faucet?")).isNull();
        // a name is never a function word
        assertThat(ContrastGuard.swap("Is the market open on Good Friday?", "Is the market open on Black Friday?"))
                .isNotNull();
        // a sentence-initial capital is not a name
        assertThat(ContrastGuard.swap("Write a haiku about autumn.", "Compose a haiku about autumn.").named())
                .isFalse();
    }

    @Test
    void minimalPairsNeedMoreThanTheThreshold() {
        double t = SemanticCache.DEFAULT_THRESHOLD;
        assertThat(SemanticCache.matches("Compose a haiku about autumn.", "Write a haiku about autumn.", 0.98f, t))
                .isTrue();
        assertThat(SemanticCache.matches("Give me a vegan dinner recipe.", "Give me a vegetarian dinner recipe.",
                0.89f, t)).isFalse();
        assertThat(SemanticCache.matches("How do I make a pivot table in Google Sheets?",
                "How do I make a pivot table in Excel?", 0.99f, t)).as("a swapped name never matches").isFalse();
        assertThat(SemanticCache.matches("Convert YAML to JSON", "Convert JSON to YAML", 0.99f, t)).isFalse();
        assertThat(SemanticCache.matches("What's Canada's capital city?", "What is the capital of Canada?", 0.77f, t))
                .as("under the threshold").isFalse();
    }

    @Test
    void tasksAndFormsMustMatch() {
        assertThat(IntentGuard.signature("Can you summarize the plot of Hamlet?"))
                .isNotEqualTo(IntentGuard.signature("Can you analyze the main themes of Hamlet?"));
        assertThat(IntentGuard.signature("Give me a summary of Hamlet")).isEqualTo(IntentGuard.signature("Summarise Hamlet"));
        assertThat(IntentGuard.signature("tl;dr of Hamlet")).as("as documented").isEqualTo("summarize");
        assertThat(IntentGuard.signature("Write a haiku about rain")).isNotEqualTo(IntentGuard.signature("Write a poem about rain"));
        assertThat(IntentGuard.signature("What is the capital of France?")).isEmpty();
    }

    @Test
    void languagesAreNotCompared() {
        assertThat(LanguageGuard.signature("What is the capital of France?")).isEmpty();
        assertThat(LanguageGuard.signature("Quelle est la capitale de la France ?")).isEqualTo("fr");
        assertThat(LanguageGuard.signature("Was ist Zinseszins?")).isEqualTo("de");
        assertThat(LanguageGuard.signature("Dame una receta de pan")).isEqualTo("es");
        assertThat(LanguageGuard.signature("Как сварить яйцо?")).isEqualTo("cyrillic");
        assertThat(LanguageGuard.signature("How do I come up with a name for my dog?")).as("English homographs").isEmpty();
        assertThat(LanguageGuard.signature("")).isEmpty();
    }

    @Test
    void hostileTextsStayCheap() {
        String huge = "word ".repeat(100_000);
        long start = System.nanoTime();
        assertThat(ContrastGuard.swap(huge, huge + "other")).as("one word added at the end: aligned, not a swap")
                .isNull();
        assertThat(ContrastGuard.swap(huge, "other ".repeat(100_000))).as("too different to align")
                .isSameAs(ContrastGuard.UNALIGNED);
        assertThat(NumberGuard.signature("+".repeat(100_000) + "1")).isEqualTo("+ 1");
        LanguageGuard.signature(huge);
        IntentGuard.signature(huge);
        assertThat(System.nanoTime() - start).as("bounded work").isLessThan(5_000_000_000L);
        assertThat(ContrastGuard.swap("\u0000\r\n..#", "\u0000\r\n..# x")).isNull();
    }

    @Test
    void oneSwappedNameInALongTextIsStillAMinimalPair() {
        // a pasted function and a question about it: longer than 128 words, the texts were not compared at all
        String code = "def total(items):\n    return sum(item.price * item.count for item in items)\n".repeat(20);
        String java = "Here is my function:\n" + code + "Please rewrite it in Java.";
        String rust = "Here is my function:\n" + code + "Please rewrite it in Rust.";
        assertThat(ContrastGuard.words(java)).hasSizeGreaterThan(ContrastGuard.MAX_WORDS);
        assertThat(SemanticCache.matches(rust, java, 0.99f, SemanticCache.DEFAULT_THRESHOLD))
                .as("Rust is not Java").isFalse();
        assertThat(SemanticCache.matches(java, java.replace("Please rewrite", "Rewrite"), 0.99f,
                SemanticCache.DEFAULT_THRESHOLD)).as("a reworded long text still matches").isTrue();
    }

    @Test
    void operatorsAndSignsBesideNumbersCount() {
        // the same numbers and the same other words: only the operator tells these apart
        assertThat(NumberGuard.signature("What is 6+3?")).isNotEqualTo(NumberGuard.signature("What is 6*3?"));
        assertThat(NumberGuard.signature("What is 6 - 3?")).isNotEqualTo(NumberGuard.signature("What is 6 / 3?"));
        assertThat(NumberGuard.signature("Is -7 a prime number?")).isNotEqualTo(NumberGuard.signature("Is 7 a prime number?"));
        assertThat(NumberGuard.signature("What is .5 times 2?")).isNotEqualTo(NumberGuard.signature("What is 5 times 2?"));
        assertThat(NumberGuard.signature("Is 2^10 > 1000?")).isNotEqualTo(NumberGuard.signature("Is 2^10 < 1000?"));
        assertThat(NumberGuard.signature("What is 5 squared?")).isNotEqualTo(NumberGuard.signature("What is 5 cubed?"));
        // one operator, however written; words and names that only look like one don't count
        assertThat(NumberGuard.signature("what is 6 + 3")).isEqualTo(NumberGuard.signature("What is six plus three?"));
        assertThat(NumberGuard.signature("What is 0.5 times 2?")).isEqualTo(NumberGuard.signature("What is .5 times 2?"));
        assertThat(NumberGuard.signature("What is GPT-4?")).isEqualTo("4");
        assertThat(NumberGuard.signature("I have 3 cats + a dog")).isEqualTo("3");
        assertThat(NumberGuard.signature("pros + cons of 3 options")).isEqualTo("3");
    }

    @Test
    void aTiedLanguageIsTheSameOnEveryInstance() {
        // "de" is a French, Spanish, Portuguese and Dutch stop word: the tie went to whichever language this JVM's
        // Map.copyOf listed first, so two instances (or one after a restart) put the text in different partitions
        assertThat(LanguageGuard.signature("Musee de Louvre tickets")).isEqualTo("fr");
    }

    @Test
    void aShortRequestAboutALongTextIsNotDrownedOut() {
        // pasted code and a request about it: the vector is the mean of every word, so any two requests about the
        // same code score 0.999 with the bundled model, far above even the minimal-pair threshold
        String code = "Here is my code:\n" + "def f(x): return x + 1\n".repeat(25);
        double t = SemanticCache.DEFAULT_THRESHOLD;
        assertThat(SemanticCache.matches(code + "Add type hints to it.", code + "Add docstrings to it.", 0.999f, t))
                .as("one unnamed swap").isFalse();
        assertThat(SemanticCache.matches(code + "Is it thread-safe?", code + "What is its time complexity?", 0.999f, t))
                .as("another question").isFalse();
        assertThat(SemanticCache.matches(code + "Add type hints to it.", code + "Please add type hints.", 0.999f, t))
                .as("the same request reworded without replacing a word").isTrue();
        assertThat(SemanticCache.matches("Compose a haiku about autumn.", "Write a haiku about autumn.", 0.98f, t))
                .as("a short question keeps few shared words per changed one").isTrue();
    }

    @Test
    void anotherQuestionWordIsAnotherQuestion() {
        // the bundled model's scores: all of these were hits at the default threshold
        double t = SemanticCache.DEFAULT_THRESHOLD;
        assertThat(SemanticCache.matches("When did Napoleon die?", "How did Napoleon die?", 0.934f, t)).isFalse();
        assertThat(SemanticCache.matches("When was the Declaration of Independence signed?",
                "Where was the Declaration of Independence signed?", 0.963f, t)).isFalse();
        assertThat(SemanticCache.matches("Who invented the telephone?", "When was the telephone invented?", 0.926f, t))
                .isFalse();
        assertThat(SemanticCache.matches("Why is the sky blue?", "How is the sky blue?", 0.909f, t)).isFalse();
        // dropping the question word, or a later "when" that is a conjunction, is still one question
        assertThat(SemanticCache.matches("How do I reverse a list in Python?", "What's the way to reverse a Python list?",
                0.9f, t)).isTrue();
        assertThat(SemanticCache.matches("How do I fix permission denied when running a script?",
                "getting permission denied running my script, how do i fix it", 0.9f, t)).isTrue();
    }
}
