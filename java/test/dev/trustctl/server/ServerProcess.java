package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.waitUntil;

import dev.trustctl.testing.StrictJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A real {@code trustctl echo-server} process started through the launcher by {@code bash -c}, with its own
 * {@code TRUST_HOME}, and its JSON log read back. Needs {@code make} to have built the jar (make test does).
 */
final class ServerProcess implements AutoCloseable {
    static final Duration BOUND = Duration.ofSeconds(10);

    final Process process;
    final int port;
    /** Where it is probed and connected to: the address it listens on. */
    final String host;
    private final Path home;

    private ServerProcess(Process process, String host, int port, Path home) {
        this.process = process;
        this.host = host;
        this.port = port;
        this.home = home;
    }

    /** Runs {@code command} (PORT stands for a free port) and returns once the port accepts connections. */
    static ServerProcess start(String command, Path home) throws Exception {
        return startOn("127.0.0.1", command, home);
    }

    /** As {@link #start}, for a server told to listen on {@code host} (a loopback address, such as ::1). */
    static ServerProcess startOn(String host, String command, Path home) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command.replace("PORT", String.valueOf(port)))
                .redirectErrorStream(true).redirectOutput(home.resolve("server.out").toFile());
        pb.environment().put("TRUST_HOME", home.toString());
        ServerProcess server = new ServerProcess(pb.start(), host, port, home);
        waitUntil("the server listens on " + port, BOUND, server::connects);
        return server;
    }

    boolean connects() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Socket connect() throws IOException {
        Socket s = new Socket(host, port);
        s.setSoTimeout((int) BOUND.toMillis());
        return s;
    }

    /**
     * The log's lines so far, each parsed strictly. Only whole lines: a server that is still running may be in the
     * middle of writing the last one, and a reader can see half of that write.
     */
    List<Map<String, Object>> log() {
        try {
            Path file = home.resolve("logs/trustctl.log");
            if (!Files.exists(file)) {
                return List.of();
            }
            String text = Files.readString(file);
            String whole = text.substring(0, text.lastIndexOf('\n') + 1);
            return whole.lines().map(StrictJson::object).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean logged(Predicate<Map<String, Object>> event) {
        return log().stream().anyMatch(event);
    }

    /** A line of /proc/PID/status, such as {@code Threads} or {@code VmRSS}, as a number. */
    long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + process.pid() + "/status");
    }

    /** What the server printed on stdout and stderr so far. */
    String output() throws IOException {
        return Files.readString(home.resolve("server.out"));
    }

    long openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/" + process.pid() + "/fd"))) {
            return fds.count();
        }
    }

    static long number(Map<String, Object> event, String key) {
        return ((Number) event.get(key)).longValue();
    }

    static Predicate<Map<String, Object>> event(String name) {
        return e -> name.equals(e.get("event"));
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
