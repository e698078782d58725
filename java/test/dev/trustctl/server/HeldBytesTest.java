package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.echo;
import static dev.trustctl.server.ServerFixture.header;
import static dev.trustctl.server.ServerFixture.payload;
import static dev.trustctl.server.ServerFixture.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the server holds for its clients is bounded, on every engine: clients that each stall inside a large frame
 * fill the bound, the ones past it are closed (the rest are not), a new client is still echoed, nothing held is
 * ever above the bound, and once the stalled clients leave, every byte they held is given back.
 */
@Timeout(60)
@ParameterizedClass(name = "--io {0}")
@EnumSource(Io.class)
@ExtendWith(EngineAvailable.class)
class HeldBytesTest {
    /** Room for three or four clients holding most of a 64 KiB frame: the bound is met long before 12 are. */
    private static final long BOUND = 256 * 1024;
    private static final int STALLED = 12;

    @Parameter
    Io io;

    private final HeldBytes held = new HeldBytes(BOUND);
    private ServerFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void stalledClientsPastTheBoundAreClosedTheOthersServedAndEveryHeldByteGivenBack() throws Exception {
        fixture = ServerFixture.start(io, Duration.ofSeconds(30), 64, held);
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < STALLED; i++) {
            Socket s = fixture.connect();
            s.getOutputStream().write(header(65_536));
            s.getOutputStream().write(payload(40_000, i));
            stalled.add(s);
            assertThat(held.held()).as("held after client " + (i + 1)).isLessThanOrEqualTo(BOUND);
        }
        waitUntil("the bound is nearly full", Duration.ofSeconds(10), () -> held.held() > BOUND / 2);
        int closed = 0;
        for (Socket s : stalled) {
            if (closedByServer(s)) {
                closed++;
            }
        }
        assertThat(closed).as("stalled clients closed for the bound").isBetween(1, STALLED - 2);
        try (Socket fresh = fixture.connect()) {
            echo(fresh, "still served".getBytes(StandardCharsets.US_ASCII));
        }

        for (Socket s : stalled) {
            s.close();
        }
        waitUntil("every held byte given back", Duration.ofSeconds(10), () -> held.held() == 0);
    }

    /** Whether the server closed this client: a read sees end of stream or a reset within a short wait. */
    private static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout(300);
        InputStream in = s.getInputStream();
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }
}
