package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.echo;
import static dev.trustctl.server.ServerFixture.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * What SO_REUSEADDR is for: a server that restarts on its port while a connection of its last run is in
 * TIME_WAIT. Without the option the bind fails (EADDRINUSE); the server's own listener has it on and binds.
 * On Linux the JDK already turns it on for every {@link ServerSocketChannel}, so deleting Server's
 * {@code setOption} line changes nothing there: this test turns it off explicitly to show what it prevents.
 * Everything is IPv4 on 127.0.0.1, so the TIME_WAIT is on the exact address and port the new listener binds
 * (Linux only compares binds on the same address), and the sockets are in /proc/net/tcp.
 */
@Timeout(30)
@EnabledOnOs(OS.LINUX)
class ReuseAddressTest {
    private static final String LOOPBACK = "127.0.0.1";
    private static final String LISTEN = "0A";
    private static final String TIME_WAIT = "06";

    @Test
    void aListenerWithoutReuseAddressCannotBindWhileTheLastRunsConnectionIsInTimeWaitTheServersOwnCan()
            throws Exception {
        // The last run: a listener on port P, one client, and the server's side closes first, so the server's
        // socket 127.0.0.1:P <-> 127.0.0.1:Q is the one left in TIME_WAIT (60 s on Linux). Then it stops.
        int port;
        int clientPort;
        try (ServerSocketChannel lastRun = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            lastRun.bind(new InetSocketAddress(LOOPBACK, 0));
            port = ((InetSocketAddress) lastRun.getLocalAddress()).getPort();
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
                client.connect(new InetSocketAddress(LOOPBACK, port));
                clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
                lastRun.accept().close(); // the server's FIN first
                assertThat(client.read(ByteBuffer.allocate(1))).as("the client sees the server's FIN").isEqualTo(-1);
            } // the client's FIN: the server's side goes FIN_WAIT2 -> TIME_WAIT
        }
        String lastConnection = TIME_WAIT + " " + clientPort;
        waitUntil("the last run's connection 127.0.0.1:" + port + " <-> :" + clientPort + " in TIME_WAIT",
                Duration.ofSeconds(10), () -> socketsOn(port).contains(lastConnection));
        assertThat(socketsOn(port)).as("on port " + port + ": that TIME_WAIT, nothing listening")
                .contains(lastConnection).noneMatch(s -> s.startsWith(LISTEN + " "));

        // (a) A listener with SO_REUSEADDR explicitly off: the TIME_WAIT holds the address.
        try (ServerSocketChannel withoutOption = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            withoutOption.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            assertThat(withoutOption.getOption(StandardSocketOptions.SO_REUSEADDR)).as("the option is off").isFalse();
            assertThatThrownBy(() -> withoutOption.bind(new InetSocketAddress(LOOPBACK, port)))
                    .isInstanceOf(BindException.class).hasMessageContaining("Address already in use");
        }
        assertThat(socketsOn(port)).as("the TIME_WAIT is still there").contains(lastConnection);

        // (b) The server's own listener, on the same port at the same moment: it binds, and has the option on.
        Server server = Server.bind(new ServerSettings(LOOPBACK, port, Duration.ofSeconds(10), 4, Io.LOOP, 1));
        Thread serving = new Thread(() -> {
            try {
                server.serve();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "echo-server-restarted");
        serving.setDaemon(true);
        serving.start();
        try {
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.listener.getOption(StandardSocketOptions.SO_REUSEADDR))
                    .as("the server's listener reads SO_REUSEADDR back as on").isTrue();
            assertThat(socketsOn(port)).as("listening beside the last run's TIME_WAIT")
                    .contains(lastConnection).anyMatch(s -> s.startsWith(LISTEN + " "));
            try (Socket s = new Socket(LOOPBACK, port)) {
                s.setSoTimeout(ServerFixture.READ_BOUND_MILLIS);
                echo(s, "restarted".getBytes(StandardCharsets.US_ASCII));
            }
        } finally {
            server.stop();
            serving.join(15_000);
        }
        assertThat(serving.isAlive()).as("serve() returned after stop()").isFalse();
    }

    @Test
    void onLinuxTheJdkTurnsItOnForEveryServerSocketChannelAlready() throws IOException {
        try (ServerSocketChannel plain = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            assertThat(plain.getOption(StandardSocketOptions.SO_REUSEADDR))
                    .as("why tests/echo/08 passes with Server's setOption line deleted").isTrue();
        }
    }

    /**
     * The IPv4 TCP sockets whose local port is {@code port}, each as "state remote-port" in /proc/net/tcp's
     * hex ("06 51234": TIME_WAIT with the peer on port 51234; "0A 0": listening).
     */
    private static List<String> socketsOn(int port) {
        String local = String.format(":%04X", port);
        List<String> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(local)) {
                    found.add(f[3] + " " + Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/net/tcp", e);
        }
        return found;
    }
}
