package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * Golden files under {@code src/test/resources/golden}. Run the tests with {@code -Dgolden.update=true}
 * to rewrite the expected files from the current behaviour (then review the diff).
 */
public final class Golden {
    private Golden() {}

    public static boolean updating() {
        return Boolean.getBoolean("golden.update");
    }

    public static Path dir(String name) {
        try {
            return Paths.get(Golden.class.getResource("/golden/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The source-tree copy of a golden file, written when updating. */
    public static Path sourceFile(String name, String file) {
        return Path.of("src/test/resources/golden", name, file);
    }

    public static Stream<Path> files(String name, String suffix) {
        try {
            return Files.list(dir(name)).filter(p -> p.toString().endsWith(suffix)).sorted();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
