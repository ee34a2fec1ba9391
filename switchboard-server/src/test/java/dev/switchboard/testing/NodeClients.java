package dev.switchboard.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the Node client-compatibility suite in the repository's {@code clients/} folder: checks for Node >= 20
 * (missing Node fails the build; {@code SWITCHBOARD_SKIP_NODE_CLIENTS=1} lets a developer's machine without it
 * skip instead), installs the pinned packages with {@code npm ci} when node_modules is missing or older than the
 * lock file, then runs {@code node --test} with a deadline.
 */
public final class NodeClients {
    public static final String SKIP_VARIABLE = "SWITCHBOARD_SKIP_NODE_CLIENTS";
    private static final int MIN_NODE = 20;

    /** The outcome of one run: exit code, everything it printed, and how long it took. */
    public record Run(int exitCode, String output, Duration took) {
        /** The lines node's spec reporter marks as failed, for a short failure message. */
        public List<String> failures() {
            List<String> out = new ArrayList<>();
            boolean summary = false;
            for (String line : output.split("\n")) {
                if (line.startsWith("✖ failing tests:")) {
                    summary = true;
                } else if (summary && line.startsWith("✖ ")) {
                    out.add(line.substring(2).replaceAll(" \\([0-9.]+ms\\)$", ""));
                }
            }
            return out;
        }
    }

    private final Path dir;

    private NodeClients(Path dir) {
        this.dir = dir;
    }

    /** The clients/ folder of the repository this test runs in (found upward from the working directory). */
    public static NodeClients locate() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("clients/package-lock.json"))) {
                return new NodeClients(p.resolve("clients"));
            }
        }
        throw new AssertionError("no clients/package-lock.json above " + Path.of("").toAbsolutePath());
    }

    /** Fails (or, with {@value #SKIP_VARIABLE}=1, skips) unless Node >= 20 runs, then installs the packages if needed. */
    public NodeClients ready() {
        String problem = nodeProblem();
        if (problem != null) {
            if ("1".equals(System.getenv(SKIP_VARIABLE))) {
                String why = "client-compatibility suite SKIPPED: " + problem + " (" + SKIP_VARIABLE + "=1)";
                System.err.println(why); // a class aborted in @BeforeAll shows as 0 tests, so say it out loud
                Assumptions.abort(why);
            }
            throw new AssertionError(problem + ": the client-compatibility suite needs Node.js >= " + MIN_NODE
                    + " and npm (.ci/run installs them); set " + SKIP_VARIABLE + "=1 to skip it on a machine without Node");
        }
        Path installed = dir.resolve("node_modules/.package-lock.json");
        try {
            if (!Files.exists(installed)
                    || Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(dir.resolve("package-lock.json"))) < 0) {
                Run install = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), Map.of(), Duration.ofMinutes(5));
                if (install.exitCode() != 0) {
                    throw new AssertionError("npm ci failed in " + dir + ":\n" + install.output());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Runs every test file concurrently with node's own test runner and spec reporter. */
    public Run test(Map<String, String> env, Duration deadline) {
        return run(List.of("node", "--test", "--test-concurrency=6", "--test-reporter=spec", "test/"), env, deadline);
    }

    private String nodeProblem() {
        try {
            Run v = run(List.of("node", "--version"), Map.of(), Duration.ofSeconds(20));
            Matcher m = Pattern.compile("v(\\d+)\\.").matcher(v.output());
            if (v.exitCode() != 0 || !m.find()) {
                return "`node --version` failed: " + v.output().strip();
            }
            if (Integer.parseInt(m.group(1)) < MIN_NODE) {
                return "Node " + v.output().strip() + " is older than " + MIN_NODE;
            }
            return run(List.of("npm", "--version"), Map.of(), Duration.ofSeconds(20)).exitCode() == 0 ? null : "npm does not run";
        } catch (IllegalStateException e) {
            return "no node on PATH (" + e.getCause().getMessage() + ")";
        }
    }

    private Run run(List<String> command, Map<String, String> env, Duration deadline) {
        long start = System.nanoTime();
        try {
            File out = File.createTempFile("node-clients", ".log");
            out.deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out);
            pb.environment().putAll(env);
            pb.environment().put("NO_COLOR", "1");
            Process p = pb.start();
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + deadline + ":\n"
                        + Files.readString(out.toPath()));
            }
            return new Run(p.exitValue(), Files.readString(out.toPath()), Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
