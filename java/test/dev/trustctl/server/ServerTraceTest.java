package dev.trustctl.server;

import dev.trustctl.display.ServerTrace;

import static dev.trustctl.server.ServerFixture.frame;
import static dev.trustctl.server.ServerFixture.readExactly;
import static dev.trustctl.server.ServerFixture.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.proto.EchoHandler;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code echo-server --trace} on every engine: a frame sent in three pieces shows as three reads and where the
 * frame stood after each, then its echo's write and the close; an oversize header and a timeout are said with
 * their cause. The trace is bounded like the log.
 */
@Timeout(60)
@ParameterizedClass(name = "--io {0}")
@EnumSource(Io.class)
@ExtendWith(EngineAvailable.class)
class ServerTraceTest {
    @Parameter
    Io io;

    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private final ServerTrace trace = new ServerTrace(new PrintStream(seen, true, StandardCharsets.UTF_8));
    private ServerFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private List<String> lines() {
        return Arrays.asList(seen.toString(StandardCharsets.UTF_8).split("\n"));
    }

    private void waitForLine(String line) throws InterruptedException {
        waitUntil("the trace line '" + line + "'", Duration.ofSeconds(10), () -> lines().contains(line));
    }

    /**
     * The event loop reads what is there and the core says where the frame stands; the blocking engines
     * recv_exact what the core says it needs: the first byte (framed or raw?), the header's rest, the payload.
     */
    @Test
    void aFrameInThreePiecesShowsEachReadWhereTheFrameStoodTheEchoAndTheClose() throws Exception {
        fixture = ServerFixture.start(io, Duration.ofSeconds(30), 8, 1, EchoHandler.protocol(), trace);
        byte[] f = frame("hello framed".getBytes(StandardCharsets.US_ASCII));
        boolean loop = io == Io.LOOP;
        List<String> reads = loop
                ? List.of("conn 1 read 2 bytes, header 2/4", "conn 1 read 7 bytes, payload 5/12",
                        "conn 1 read 7 bytes, a whole message of 12 bytes")
                : List.of("conn 1 read 1 bytes, header 1/4", "conn 1 read 3 bytes, payload 0/12",
                        "conn 1 read 12 bytes, a whole message of 12 bytes");
        try (Socket s = fixture.connect()) {
            OutputStream out = s.getOutputStream();
            out.write(f, 0, 2);
            waitForLine(reads.get(0));
            out.write(f, 2, 7);
            waitForLine(reads.get(1));
            out.write(f, 9, f.length - 9);
            assertThat(readExactly(s, f.length)).isEqualTo(f);
        }
        waitForLine("conn 1 close peer_closed");
        List<String> expected = new ArrayList<>(List.of("conn 1 open"));
        expected.addAll(reads);
        expected.addAll(List.of("conn 1 write 16 bytes, reply 1 message(s) in place", "conn 1 close peer_closed"));
        assertThat(lines()).containsSubsequence(expected);
        assertThat(seen.toString(StandardCharsets.UTF_8)).as("never payload bytes").doesNotContain("hello");
    }

    @Test
    void anOversizeHeaderAndATimeoutAreSaidWithTheirCause() throws Exception {
        fixture = ServerFixture.start(io, Duration.ofMillis(300), 8, 1, EchoHandler.protocol(), trace);
        try (Socket s = fixture.connect()) {
            s.getOutputStream().write(ServerFixture.header(70_000));
            waitForLine("conn 1 close frame_rejected");
        }
        try (Socket s = fixture.connect()) {
            s.getOutputStream().write(new byte[] {0, 0});
            waitForLine("conn 2 close timeout");
        }
        assertThat(lines()).contains("conn 1 rejected: header announces 70000 bytes, the limit is 65536",
                "conn 2 timeout in phase frame after 300 ms");
    }

    @Test
    void theTraceIsBoundedLikeTheLogAndSaysWhatItHeldBack() throws Exception {
        for (int i = 0; i < ServerTrace.BURST + 500; i++) {
            trace.line("line " + i);
        }
        assertThat(lines().size()).as("a burst, then the rate").isLessThan(ServerTrace.BURST + 500);
        waitUntil("a line after the pause says how many were held back", Duration.ofSeconds(10), () -> {
            trace.line("after");
            return seen.toString(StandardCharsets.UTF_8).contains("lines held back by the flood limit");
        });
    }
}
