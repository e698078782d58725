package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.echo;
import static dev.trustctl.server.ServerFixture.frame;
import static dev.trustctl.server.ServerFixture.header;
import static dev.trustctl.server.ServerFixture.payload;
import static dev.trustctl.server.ServerFixture.readExactly;
import static dev.trustctl.server.ServerFixture.waitUntil;
import static dev.trustctl.server.ServerProcess.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustctl.testing.FaultProxy;
import dev.trustctl.testing.FaultProxy.Mode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The echo protocol through a {@link FaultProxy}, on every engine, against the real server process: TCP may
 * deliver a frame a byte per segment, or several frames and pieces of frames in one, and the echo must not
 * change; a connection reset mid-frame is logged and costs the server nothing it keeps.
 */
@Timeout(60)
@ParameterizedClass(name = "--io {0}")
@EnumSource(Io.class)
@ExtendWith(EngineAvailable.class)
class ProxiedEchoTest {
    @Parameter
    Io io;

    @TempDir
    Path home;
    private ServerProcess server;
    private FaultProxy proxy;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Socket through(Mode mode, int resetAfter) throws Exception {
        if (server == null) {
            server = ServerProcess.start("exec ./trustctl echo-server --port PORT --io " + io.label(), home);
        }
        proxy = FaultProxy.start(new InetSocketAddress("127.0.0.1", server.port), mode, resetAfter);
        Socket s = new Socket();
        sockets.add(s);
        s.setTcpNoDelay(true);
        s.connect(proxy.address(), 10_000);
        s.setSoTimeout(ServerFixture.READ_BOUND_MILLIS);
        return s;
    }

    @ParameterizedTest
    @EnumSource(names = {"ONE_BYTE", "COALESCE"})
    void framesOfEverySizeComeBackUnchanged(Mode mode) throws Exception {
        Socket s = through(mode, 0);
        for (int size : new int[] {0, 1, 3, 100, 4096}) {
            echo(s, payload(size, size));
        }
        assertThat(proxy.writes()).as("the proxy forwarded something").isPositive();
    }

    @ParameterizedTest
    @EnumSource(names = {"ONE_BYTE", "COALESCE"})
    void pipelinedFramesComeBackInOrder(Mode mode) throws Exception {
        Socket s = through(mode, 0);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 30; i++) {
            all.writeBytes(frame(payload(i * 7, i)));
        }
        s.getOutputStream().write(all.toByteArray());
        assertThat(readExactly(s, all.size())).isEqualTo(all.toByteArray());
    }

    @ParameterizedTest
    @EnumSource(names = {"ONE_BYTE", "COALESCE"})
    void sixtyFourKibFramesComeBackWhole(Mode mode) throws Exception {
        Socket s = through(mode, 0);
        echo(s, payload(65536, 1));
        echo(s, payload(65535, 2));
        if (mode == Mode.ONE_BYTE) {
            assertThat(proxy.writes()).as("a write per byte, both ways").isGreaterThanOrEqualTo(2 * (65540 + 65539));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"ONE_BYTE", "COALESCE"})
    void anOversizeHeaderAfterAValidFrameIsRefusedAndTheConnectionClosed(Mode mode) throws Exception {
        Socket s = through(mode, 0);
        echo(s, payload(10, 3));
        s.getOutputStream().write(header(65537));
        assertThat(s.getInputStream().read()).as("end of stream after the refusal").isEqualTo(-1);
        waitUntil("frame_rejected is logged", ServerProcess.BOUND,
                () -> server.logged(e -> "frame_rejected".equals(e.get("event"))));
    }

    @ParameterizedTest
    @EnumSource(names = {"ONE_BYTE", "COALESCE"})
    void afterAHalfCloseEveryEchoStillComesBack(Mode mode) throws Exception {
        Socket s = through(mode, 0);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int size : new int[] {5, 0, 65536, 12}) {
            all.writeBytes(frame(payload(size, size)));
        }
        Thread writer = new Thread(() -> {
            try {
                s.getOutputStream().write(all.toByteArray());
                s.shutdownOutput();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        assertThat(s.getInputStream().readAllBytes()).isEqualTo(all.toByteArray());
        writer.join(ServerFixture.READ_BOUND_MILLIS);
    }

    /** The proxy passes 2 000 bytes of a 5 004-byte frame, then resets both ends. */
    @Test
    void aResetMidFrameIsLoggedAndTheServerGivesBackItsDescriptors() throws Exception {
        try (Socket warmUp = new Socket("127.0.0.1", startServer().port)) { // log open, classes loaded
            echo(warmUp, payload(10, 0));
        }
        waitUntil("the warm-up's conn_close", ServerProcess.BOUND, () -> server.logged(event("conn_close")));
        long fdsBefore = server.openFds();
        Socket s = through(Mode.RESET, 2000);
        s.getOutputStream().write(frame(payload(5000, 4)));
        InputStream in = s.getInputStream();
        assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        waitUntil("the reset is logged", ServerProcess.BOUND, () -> server.logged(e -> "conn_error".equals(e.get("event"))
                && "ECONNRESET".equals(e.get("errno"))));
        // conn_close follows conn_error once the socket is closed: it may reach the file a writer's pass later.
        waitUntil("the close is logged", ServerProcess.BOUND,
                () -> server.logged(e -> "conn_close".equals(e.get("event")) && "reset".equals(e.get("reason"))));
        Map<String, Object> close = server.log().stream().filter(event("conn_close"))
                .filter(e -> "reset".equals(e.get("reason"))).findFirst().orElseThrow();
        assertThat(((Number) close.get("frames")).longValue()).isZero();
        assertThat(proxy.resets()).isEqualTo(1);
        waitUntil("the descriptors come back to " + fdsBefore, ServerProcess.BOUND, () -> {
            try {
                return server.openFds() <= fdsBefore;
            } catch (IOException e) {
                return false;
            }
        });
        try (Socket after = new Socket("127.0.0.1", server.port)) {
            echo(after, payload(100, 5)); // and it goes on
        }
    }

    private ServerProcess startServer() throws Exception {
        server = ServerProcess.start("exec ./trustctl echo-server --port PORT --io " + io.label(), home);
        return server;
    }
}
