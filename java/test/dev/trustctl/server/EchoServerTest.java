package dev.trustctl.server;

import dev.trustctl.client.EchoClient;

import static dev.trustctl.server.ServerFixture.assertClosedWithNothingSent;
import static dev.trustctl.server.ServerFixture.echo;
import static dev.trustctl.server.ServerFixture.frame;
import static dev.trustctl.server.ServerFixture.header;
import static dev.trustctl.server.ServerFixture.payload;
import static dev.trustctl.server.ServerFixture.readExactly;
import static dev.trustctl.server.ServerFixture.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.wire.Watchdog;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The echo protocol against a real server on an ephemeral port, spoken with plain java.net.Socket. */
@Timeout(30)
@ParameterizedClass(name = "--io {0}")
@EnumSource(Io.class)
@ExtendWith(EngineAvailable.class)
class EchoServerTest {
    @Parameter
    Io io;

    private ServerFixture fixture;

    /**
     * A timeout far beyond every wait in these tests: a connection the server forgets to close would only be
     * closed by its deadline, so a test that waits for a close fails instead of passing late.
     */
    @BeforeEach
    void startServer() throws Exception {
        fixture = ServerFixture.start(io, ServerSettings.DEFAULT_TIMEOUT, 16);
    }

    @AfterEach
    void stopServer() throws Exception {
        fixture.close();
    }

    @Test
    void theStopSummaryIsSingularForOneAndCountsARejectedFrameApartFromErrors() throws Exception {
        try (Socket s = fixture.connect()) {
            echo(s, "one".getBytes(StandardCharsets.US_ASCII));
        }
        waitUntil("the first connection closed", Duration.ofSeconds(10),
                () -> fixture.server.summary().startsWith("1 connection, 1 frame, "));
        try (Socket s = fixture.connect()) {
            s.getOutputStream().write(header(70_000));
            assertClosedWithNothingSent(s);
        }
        waitUntil("the rejection counted", Duration.ofSeconds(10),
                () -> fixture.server.summary().contains("1 frame rejected"));
        assertThat(fixture.server.summary())
                .isEqualTo("2 connections, 1 frame, 1 frame rejected, 0 timeouts, 0 errors");
    }

    @Test
    void aFrameComesBackWhole() throws Exception {
        Socket s = fixture.connect();
        echo(s, "hello".getBytes(StandardCharsets.US_ASCII));
        echo(s, "and again".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void fiftyFramesInOneWriteComeBackAsFiftyEchoesInOrder() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
            all.write(frame(payload(i * 37 % 1500, i)));
        }
        byte[] coalesced = all.toByteArray();
        Socket s = fixture.connect();
        s.getOutputStream().write(coalesced);
        assertThat(readExactly(s, coalesced.length)).isEqualTo(coalesced);
    }

    @Test
    void aFrameSentOneByteAtATimeIsEchoedOnce() throws Exception {
        byte[] frame = frame("one byte per write".getBytes(StandardCharsets.US_ASCII));
        Socket s = fixture.connect();
        OutputStream out = s.getOutputStream();
        for (byte b : frame) {
            out.write(b);
            out.flush();
        }
        assertThat(readExactly(s, frame.length)).isEqualTo(frame);
        echo(s, new byte[] {1, 2, 3});
    }

    @Test
    void aZeroLengthFrameIsEchoed() throws Exception {
        Socket s = fixture.connect();
        s.getOutputStream().write(new byte[4]);
        assertThat(readExactly(s, 4)).containsExactly(0, 0, 0, 0);
        echo(s, "after empty".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theLargestFrameIsEchoedAndTheNextSmallOneToo() throws Exception {
        Socket s = fixture.connect();
        echo(s, payload(65536, 3));
        echo(s, payload(10, 4));
    }

    @Test
    void aFirstByteThatBeginsTextMakesARawStreamEchoedAsItIs() throws Exception {
        Socket s = fixture.connect();
        byte[] text = "raw test\n".getBytes(StandardCharsets.US_ASCII);
        s.getOutputStream().write(text);
        assertThat(readExactly(s, text.length)).isEqualTo(text);
        byte[] framedLooking = {0, 0, 0, 3, 'a', 'b', 'c', 0};
        s.getOutputStream().write(framedLooking);
        assertThat(readExactly(s, framedLooking.length)).as("a raw stream stays raw").isEqualTo(framedLooking);
        s.shutdownOutput();
        assertThat(s.getInputStream().read()).isEqualTo(-1);
    }

    @Test
    void anOversizeHeaderClosesTheConnectionWithNothingSentBack() throws Exception {
        // 0xFFFFFFFF starts with a byte that cannot begin text: a header, not a raw stream (check.py's case)
        for (long length : new long[] {65537, 0x00FFFFFFL, 0xFFFFFFFFL, 0x80000000L}) {
            Socket s = fixture.connect();
            s.getOutputStream().write(header(length));
            assertClosedWithNothingSent(s);
        }
        echo(fixture.connect(), "the next client is served".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anOversizeHeaderWithPayloadBehindItIsRejectedToo() throws Exception {
        Socket s = fixture.connect();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(header(65537));
        bytes.write(payload(1000, 1));
        s.getOutputStream().write(bytes.toByteArray());
        assertClosedWithNothingSent(s);
        echo(fixture.connect(), "still serving".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void afterAHalfCloseEveryOwedEchoArrivesThenACleanEnd() throws Exception {
        Socket s = fixture.connect();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            sent.write(frame(payload(100 + i, i)));
        }
        s.getOutputStream().write(sent.toByteArray());
        s.shutdownOutput();
        assertThat(readExactly(s, sent.size())).isEqualTo(sent.toByteArray());
        assertThat(s.getInputStream().read()).as("end of stream (FIN), not a reset").isEqualTo(-1);
    }

    @Test
    void clientsAreServedConcurrently() throws Exception {
        Socket idle = fixture.connect();
        Socket midFrame = fixture.connect();
        midFrame.getOutputStream().write(new byte[] {0, 0});
        Socket busy = fixture.connect();
        for (int i = 0; i < 20; i++) {
            echo(busy, payload(i, i));
        }
        midFrame.getOutputStream().write(new byte[] {0, 1, 'x'});
        assertThat(readExactly(midFrame, 5)).containsExactly(0, 0, 0, 1, 'x');
        echo(idle, new byte[] {9});
    }

    @Test
    void theProjectsOwnClientGetsEveryEchoBack() throws Exception {
        try (Watchdog watchdog = new Watchdog(Duration.ofSeconds(5), "client-watchdog");
             EchoClient client = EchoClient.connect("127.0.0.1", fixture.server.port(), Duration.ofSeconds(5),
                     watchdog)) {
            assertThat(client.echo("framed".getBytes(StandardCharsets.UTF_8))).asString(StandardCharsets.UTF_8)
                    .isEqualTo("framed");
            assertThat(client.echo(new byte[0])).isEmpty();
            assertThat(client.echo(payload(65536, 9))).isEqualTo(payload(65536, 9));
            ByteBuffer frame = ByteBuffer.wrap(frame(payload(100, 1)));
            assertThat(client.roundTrip(frame, ByteBuffer.allocate(4 + 65536))).isTrue();
        }
    }

    /** A stop lets a frame that has started arriving finish and be echoed, then closes that connection. */
    @Test
    void aFrameInFlightAtStopIsStillEchoed() throws Exception {
        Socket idle = fixture.connect();
        Socket busy = fixture.connect();
        echo(idle, new byte[] {1});
        byte[] frame = frame(payload(1000, 5));
        busy.getOutputStream().write(frame, 0, 500);
        // The frame is in flight only once the server has read its start: until then it sits in the kernel.
        ServerFixture.waitUntil("the server has read the start of the frame", Duration.ofSeconds(5),
                () -> fixture.unreadByServer(busy.getLocalPort()) == 0);
        fixture.server.stop();
        assertThat(idle.getInputStream().read()).as("an idle client is closed at stop").isEqualTo(-1);
        busy.getOutputStream().write(frame, 500, frame.length - 500);
        assertThat(readExactly(busy, frame.length)).isEqualTo(frame);
        assertThat(busy.getInputStream().read()).isEqualTo(-1);
    }

    @Test
    void stopClosesIdleClientsAndServeReturns() throws Exception {
        Socket s = fixture.connect();
        echo(s, new byte[] {1});
        ServerFixture.waitUntil("the client is counted", Duration.ofSeconds(5),
                () -> fixture.activeClients() == 1);
        fixture.server.stop();
        assertThat(s.getInputStream().read()).isEqualTo(-1);
    }

    /** The shared wire fixtures (fixtures/frames, described in fixtures/README.md) behave as their names say. */
    @Test
    void theWireFixturesBehaveAsNamed() throws Exception {
        byte[] two = Files.readAllBytes(Path.of("fixtures/frames/two-frames.bin"));
        Socket s = fixture.connect();
        s.getOutputStream().write(two);
        assertThat(readExactly(s, two.length)).as("two frames in one write come back as two echoes").isEqualTo(two);

        for (String rejected : new String[] {"oversize-header.bin", "truncated.bin"}) {
            Socket bad = fixture.connect();
            bad.getOutputStream().write(Files.readAllBytes(Path.of("fixtures/frames", rejected)));
            bad.shutdownOutput();
            assertClosedWithNothingSent(bad);
        }
        echo(fixture.connect(), "the next client is served".getBytes(StandardCharsets.US_ASCII));
    }
}
