package dev.trustctl.fuzz;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code ./trustctl echo-server} process for one engine, with a fresh {@code TRUST_HOME} of its own, on
 * 127.0.0.1 and a free port, with short deadlines so that the idle and never-reading sessions end quickly. The
 * log rolls only past 1 GiB here, so one file holds the whole run for {@link ServerLog}.
 */
final class FuzzServer implements AutoCloseable {
    private final Process process;
    final Path home;
    final InetSocketAddress address;

    private FuzzServer(Process process, Path home, InetSocketAddress address) {
        this.process = process;
        this.home = home;
        this.address = address;
    }

    static FuzzServer start(Path root, String io, String timeout) throws IOException, InterruptedException {
        Path home = Files.createTempDirectory("trustctl-fuzz-" + io + "-");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(root.resolve("trustctl").toString(), "echo-server", "--bind",
                "127.0.0.1", "--port", String.valueOf(port), "--io", io, "--timeout", timeout)
                .redirectErrorStream(true).redirectOutput(home.resolve("server.out").toFile());
        pb.environment().put("TRUST_HOME", home.toString());
        pb.environment().put("TRUSTCTL_JAVA_OPTS", "-Dtrustctl.log.max_bytes=1073741824");
        FuzzServer server = new FuzzServer(pb.start(), home, new InetSocketAddress("127.0.0.1", port));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!server.accepts()) {
            if (!server.process.isAlive() || System.nanoTime() - deadline > 0) {
                server.close();
                throw new IOException("the " + io + " server did not start listening on " + port + ": see "
                        + home.resolve("server.out"));
            }
            Thread.sleep(20);
        }
        return server;
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(address, 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Path logFile() {
        return home.resolve("logs/trustctl.log");
    }

    long pid() {
        return process.pid();
    }

    long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + process.pid() + "/fd"))) {
            return fds.count();
        }
    }

    /** Resident memory in KiB (VmRSS), or -1 once the process is gone. */
    long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** SIGTERM, as a user stops it; returns the exit code, or -1 if it did not exit in time. */
    int stop() throws InterruptedException {
        process.toHandle().destroy();
        return process.waitFor(15, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** Removes the server's home (after a clean run; a failed one keeps it to look at). */
    void delete() throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
