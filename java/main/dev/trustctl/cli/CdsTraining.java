package dev.trustctl.cli;

import dev.trustctl.echo.EchoServer;
import dev.trustctl.echo.ServerSettings;
import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * Hidden {@code cds-training}: what {@code make} runs once (tools/train-cds) so the start-up
 * archive holds the classes real commands load: help, status, config, a server, a client, a short load run.
 */
final class CdsTraining implements Command {
    @Override
    public String name() {
        return "cds-training";
    }

    @Override
    public String summary() {
        return "";
    }

    @Override
    public boolean hidden() {
        return true;
    }

    @Override
    public int run(List<String> args, TrustHome home, Terminal term) throws UsageException, IOException {
        Terminal quiet = new Terminal(new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(OutputStream.nullOutputStream()), term.env());
        TrustCtl cli = new TrustCtl(quiet);
        cli.run("--help");
        cli.run("init");
        cli.run("status", "--json");
        cli.run("config", "list");
        cli.run("echo-server", "--port", "0");
        EchoServer server = EchoServer.bind(new ServerSettings("127.0.0.1", 0, Duration.ofSeconds(5), 4));
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
        try {
            serving.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCode.OK;
    }
}
