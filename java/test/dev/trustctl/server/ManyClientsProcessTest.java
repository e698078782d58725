package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.echo;
import static dev.trustctl.server.ServerFixture.frame;
import static dev.trustctl.server.ServerFixture.payload;
import static dev.trustctl.server.ServerFixture.waitUntil;
import static dev.trustctl.server.ServerProcess.event;
import static dev.trustctl.server.ServerProcess.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server as a process with default settings, under the loads that made the thread-per-client design fall
 * over: ten thousand idle connections, and four hundred hostile ones. On the two engines built for them: the
 * event loops, and the same blocking code on virtual threads (whose platform threads are counted here too).
 * {@code --io threads} is left out on purpose: a platform thread per client is what cannot do this.
 */
@Timeout(120)
@ParameterizedClass(name = "--io {0}")
@EnumSource(value = Io.class, names = {"LOOP", "VIRTUAL"})
@ExtendWith(EngineAvailable.class)
class ManyClientsProcessTest {
    private static final int IDLE_CLIENTS = 10_000;
    private static final int HOSTILE_CLIENTS = 400;
    /**
     * The thread budget, in OS threads (/proc's count, the JVM's own included; a virtual thread is none): a loop
     * or a carrier thread per core, plus the JVM's own, the acceptor, the log writer and the pollers.
     */
    private static final int THREAD_BUDGET = 2 * Runtime.getRuntime().availableProcessors() + 16;

    @Parameter
    Io io;

    @TempDir
    Path home;
    private ServerProcess server;
    private final List<SocketChannel> clients = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (SocketChannel c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private SocketChannel open() throws IOException {
        SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port));
        clients.add(c);
        return c;
    }

    /**
     * 10 000 connections held at once, each having had one echo: still served (a fresh client is echoed), on a
     * few threads, and when they leave every descriptor is given back.
     */
    @Test
    void tenThousandIdleConnectionsAreHeldOnAFewThreads() throws Exception {
        // This JVM holds one end of each connection and the server the other: both need the descriptors.
        long limit = FdLimit.soft();
        String needs = "needs a soft open-file limit above " + (IDLE_CLIENTS + 1000) + ", this JVM has " + limit
                + " (make test-junit raises it to the hard limit: raise that, ulimit -Hn)";
        // Elsewhere a skip is listed at the end of the run; in CI it would pass unseen, so there it fails.
        if ("true".equals(System.getenv("CI"))) {
            assertThat(limit).as("CI must run the 10 000-client test: " + needs).isGreaterThan(IDLE_CLIENTS + 1000);
        }
        assumeTrue(limit > IDLE_CLIENTS + 1000, needs);
        server = ServerProcess.start("exec ./trustctl echo-server --io " + io.label() + " --port PORT --max-clients "
                + (IDLE_CLIENTS + 10),
                home);
        // The steady count: the log file is open once a connection has been logged (the writer opens it lazily).
        try (Socket first = server.connect()) {
            echo(first, payload(10, 0));
        }
        waitUntil("the first connection's conn_close is written", ServerProcess.BOUND,
                () -> server.logged(event("conn_close")));
        long fdsBefore = server.openFds();
        ByteBuffer ping = ByteBuffer.wrap(frame(new byte[] {7}));
        ByteBuffer pong = ByteBuffer.allocate(ping.capacity());
        for (int i = 0; i < IDLE_CLIENTS; i++) {
            SocketChannel c = open();
            c.write(ping.rewind());
            pong.clear();
            while (pong.hasRemaining()) {
                assertThat(c.read(pong)).as("echo to client %d", i).isNotNegative();
            }
        }
        assertThat(server.status("Threads")).as("threads with %d clients", IDLE_CLIENTS)
                .isLessThanOrEqualTo(THREAD_BUDGET);
        try (Socket fresh = server.connect()) {
            echo(fresh, payload(1000, 1));
        }
        for (SocketChannel c : clients) {
            c.close();
        }
        clients.clear();
        waitUntil("every connection is closed and its descriptor given back (" + fdsBefore + " before)",
                Duration.ofSeconds(60),
                () -> {
                    try {
                        return server.openFds() <= fdsBefore;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /**
     * With default settings, 400 hostile connections: a third keep themselves alive with empty frames, a third
     * trickle raw bytes, a third send a 64 KiB frame and never read their echo. A legitimate client is served
     * all the same, and the server's threads stay within the budget.
     */
    @Test
    void hostileClientsDoNotKeepALegitimateOneFromBeingServed() throws Exception {
        server = ServerProcess.start("exec ./trustctl echo-server --io " + io.label() + " --port PORT", home);
        ByteBuffer empty = ByteBuffer.wrap(frame(new byte[0]));
        ByteBuffer big = ByteBuffer.wrap(frame(payload(65536, 2)));
        for (int i = 0; i < HOSTILE_CLIENTS; i++) {
            SocketChannel c = open();
            switch (i % 3) {
                case 0 -> c.write(empty.rewind());
                case 1 -> c.write(ByteBuffer.wrap(new byte[] {'x'}));
                default -> {
                    c.socket().setReceiveBufferSize(1024);
                    c.configureBlocking(false); // sends what the socket takes; never reads
                    c.write(big.rewind());
                }
            }
        }
        for (int i = 0; i + 1 < HOSTILE_CLIENTS; i += 3) {
            clients.get(i).write(empty.rewind()); // the keep-alives go on
            clients.get(i + 1).write(ByteBuffer.wrap(new byte[] {'y'})); // and so does the trickle
        }
        waitUntil("all " + HOSTILE_CLIENTS + " hostile clients are connected", ServerProcess.BOUND,
                () -> server.log().stream().filter(event("conn_open")).count() >= HOSTILE_CLIENTS);
        try (Socket legit = server.connect()) {
            for (int i = 0; i < 10; i++) {
                echo(legit, payload(100 * i, i));
            }
        }
        assertThat(server.status("Threads")).isLessThanOrEqualTo(THREAD_BUDGET);
        assertThat(server.log().stream().filter(event("conn_rejected")).count()).as("nobody turned away").isZero();
        server.process.toHandle().destroy();
        assertThat(server.process.waitFor(ServerProcess.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Map<String, Object> stop = server.log().stream().filter(event("server_stop")).findFirst().orElseThrow();
        assertThat(number(stop, "connections")).isEqualTo(HOSTILE_CLIENTS + 2); // plus the probe and the legit one
    }

    /** As Redis does: the default of 10 000 clients comes down to what a low open-file limit allows, said once. */
    @Test
    void aLowOpenFileLimitLowersTheDefaultClientLimitAndSaysSo() throws Exception {
        server = ServerProcess.start("ulimit -n 1000 && exec ./trustctl echo-server --io " + io.label() + " --port PORT", home);
        waitUntil("server_start and fd_limit_low are written", ServerProcess.BOUND,
                () -> server.logged(event("server_start")) && server.logged(event("fd_limit_low")));
        Map<String, Object> start = server.log().stream().filter(event("server_start")).findFirst().orElseThrow();
        assertThat(number(start, "max_clients")).isEqualTo(1000 - FdLimit.JVM_RESERVE);
        Map<String, Object> low = server.log().stream().filter(event("fd_limit_low")).findFirst().orElseThrow();
        assertThat(number(low, "limit")).isEqualTo(1000);
        assertThat(number(low, "lowered_from")).isEqualTo(10_000);
    }
}
