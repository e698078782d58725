package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.echo;
import static dev.trustctl.server.ServerFixture.payload;
import static dev.trustctl.server.ServerFixture.waitUntil;
import static dev.trustctl.server.ServerProcess.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on {@code --bind ::1}: what it prints and logs names the address as {@code [::1]:PORT}, never Java's
 * {@code 0:0:0:0:0:0:0:1:PORT}, whose port cannot be told from the address.
 */
class Ipv6PeerProcessTest {
    @TempDir
    Path home;
    private ServerProcess server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anIpv6PeerIsLoggedInBrackets() throws Exception {
        boolean v6Loopback = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .anyMatch(a -> a instanceof Inet6Address && a.isLoopbackAddress());
        assumeTrue(v6Loopback, "needs ::1 on the loopback interface (IPv6 is off on this machine)");
        server = ServerProcess.startOn("::1", "exec ./trustctl echo-server --bind ::1 --port PORT", home);
        int clientPort;
        try (Socket s = server.connect()) {
            clientPort = s.getLocalPort();
            assertThat(s.getInetAddress()).isEqualTo(InetAddress.getByName("::1"));
            echo(s, payload(10, 0));
        }
        String peer = "[::1]:" + clientPort;
        waitUntil("conn_close of " + peer + " is logged", ServerProcess.BOUND,
                () -> server.logged(event("conn_close").and(e -> peer.equals(e.get("peer")))));
        // the readiness probe came from ::1 too: every peer is in brackets, and this one opened as it closed
        assertThat(server.log().stream().filter(event("conn_open"))).isNotEmpty()
                .allMatch(e -> String.valueOf(e.get("peer")).startsWith("[::1]:"))
                .anyMatch(e -> peer.equals(e.get("peer")));
        assertThat(server.output()).contains("echo-server listening on [::1]:" + server.port + " ");
    }
}
