package dev.trustctl.tools;

import dev.trustctl.Main;
import dev.trustctl.cli.Terminal;
import dev.trustctl.cli.TrustCtl;
import dev.trustctl.server.Server;
import dev.trustctl.server.ServerSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Build-time tooling, not a command and not in trustctl.jar: the start-up archive's training run. {@code make}
 * compiles it into build/cds-training.jar and runs it once through tools/train-cds (a scratch TRUST_HOME), so
 * the archive holds the classes real commands load: help, init, status, config, a server, a client, a short load
 * run, and last a real {@code trustctl --version} through {@link Main}, the launchers' entry point, which ends
 * the JVM as every call does.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        TrustCtl cli = new TrustCtl(new Terminal(nowhere, nowhere, System.getenv()));
        cli.run("--help");
        cli.run("init");
        cli.run("status", "--json");
        cli.run("config", "list");
        cli.run("echo-server", "--port", "0");
        Server server = Server.bind(new ServerSettings("127.0.0.1", 0, Duration.ofSeconds(5), 4,
                ServerSettings.DEFAULT_IO, ServerSettings.defaultLoops()));
        Thread serving = new Thread(() -> {
            try {
                server.serve();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // training only: the archive is made from what ran
            }
        }, "cds-server");
        serving.start();
        String port = String.valueOf(server.port());
        cli.run("echo-client", "127.0.0.1", port, "hello", "framed");
        cli.run("echo-client", "127.0.0.1", "1", "refused");
        cli.run("echo-load-test", "--port", port, "--clients", "3", "--messages", "3");
        server.stop();
        serving.join();
        Main.main(new String[] {"--version"});
    }
}
