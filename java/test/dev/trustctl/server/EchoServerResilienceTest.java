package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.assertClosedWithNothingSent;
import static dev.trustctl.server.ServerFixture.echo;
import static dev.trustctl.server.ServerFixture.frame;
import static dev.trustctl.server.ServerFixture.header;
import static dev.trustctl.server.ServerFixture.openFds;
import static dev.trustctl.server.ServerFixture.payload;
import static dev.trustctl.server.ServerFixture.readExactly;
import static dev.trustctl.server.ServerFixture.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Clients that misbehave: trickle, never read, vanish early, send garbage, or come one too many. Each is cut
 * off or closed on its own while everyone else keeps being served, and nothing is left behind.
 */
@Timeout(60)
@ParameterizedClass(name = "--io {0}")
@EnumSource(Io.class)
@ExtendWith(EngineAvailable.class)
class EchoServerResilienceTest {
    @Parameter
    Io io;

    /** For tests about closing: longer than any bounded wait here, so only a deliberate close passes them. */
    private static final Duration LONG = ServerSettings.DEFAULT_TIMEOUT;
    private ServerFixture fixture;
    private final ExecutorService background = ServerFixture.clientThreads("misbehaving-client");

    private ServerFixture start(Duration timeout, int maxClients) throws IOException {
        fixture = ServerFixture.start(io, timeout, maxClients);
        return fixture;
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        if (fixture != null) {
            fixture.close();
        }
        ServerFixture.stopClientThreads(background);
    }

    /**
     * One byte every 100 ms never lets a single read wait for the 1 s timeout, but the frame as a whole takes
     * 4.4 s: the frame deadline must cut the client off, with no echo, long before its last byte.
     */
    @Test
    void aTricklingClientIsCutOffByTheWholeFrameDeadline() throws Exception {
        start(Duration.ofSeconds(1), 8);
        Socket s = fixture.connect();
        byte[] frame = frame(payload(40, 1));
        AtomicInteger sent = new AtomicInteger();
        Future<?> trickle = background.submit(() -> {
            OutputStream out = s.getOutputStream();
            for (byte b : frame) {
                out.write(b);
                out.flush();
                sent.incrementAndGet();
                Thread.sleep(100);
            }
            return null;
        });
        assertClosedWithNothingSent(s);
        ExecutionException failed = catchExecution(trickle);
        assertThat(failed).as("the trickler should have been cut off mid-frame").isNotNull();
        assertThat(failed.getCause()).isInstanceOf(IOException.class);
        assertThat(sent.get()).isLessThan(frame.length);
        echo(fixture.connect(), "others are still served".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Every phase (idle wait, then each frame sent in three pieces) lasts about a quarter of the 1 s timeout,
     * while the conversation as a whole lasts longer than it: nobody is cut off early. The wide margins keep
     * this true on a loaded machine, where the client's own scheduling delays count against the deadlines too.
     */
    @Test
    void aSlowClientThatKeepsToEachDeadlineIsServed() throws Exception {
        start(Duration.ofSeconds(1), 8);
        Socket s = fixture.connect();
        echo(s, new byte[] {0}); // the connection is served from here on: the idle clock starts now
        OutputStream out = s.getOutputStream();
        for (int round = 0; round < 3; round++) {
            Thread.sleep(250); // idle
            byte[] frame = frame(payload(8, round));
            out.write(frame, 0, 2);
            Thread.sleep(125);
            out.write(frame, 2, 5);
            Thread.sleep(125);
            out.write(frame, 7, frame.length - 7);
            assertThat(readExactly(s, frame.length)).isEqualTo(frame);
        }
        echo(s, "still open after 1.5 s in all".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anIdleClientIsClosedAndTheServerGoesOn() throws Exception {
        start(Duration.ofMillis(500), 8);
        Socket idle = fixture.connect();
        assertClosedWithNothingSent(idle);
        echo(fixture.connect(), new byte[] {1, 2, 3});
    }

    /**
     * A client that sends 64 KiB frames and never reads fills both socket buffers; the server's echo write
     * then stalls and the write deadline must disconnect it, while another client is echoed all along.
     */
    @Test
    void aClientThatNeverReadsIsDisconnectedAndOthersAreServedMeanwhile() throws Exception {
        start(Duration.ofMillis(500), 8);
        SocketChannel hog = fixture.track(SocketChannel.open());
        hog.socket().setReceiveBufferSize(16 * 1024);
        hog.connect(fixture.address());
        ByteBuffer big = ByteBuffer.wrap(frame(payload(65536, 7)));
        AtomicInteger framesSent = new AtomicInteger();
        Future<?> writer = background.submit(() -> {
            for (int i = 0; i < 10_000; i++) { // at most 640 MiB: far more than any socket buffers hold
                hog.write(big.rewind());
                framesSent.incrementAndGet();
            }
            return null;
        });
        Socket other = fixture.connect();
        int echoes = 0;
        long bound = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!writer.isDone() && System.nanoTime() - bound < 0) {
            echo(other, payload(100, echoes++));
        }
        ExecutionException failed = catchExecution(writer);
        assertThat(failed).as("the non-reader kept writing %d frames without being cut off", framesSent.get())
                .isNotNull();
        assertThat(failed.getCause()).isInstanceOf(IOException.class);
        assertThat(echoes).isPositive();
        waitUntil("only the other client is left", Duration.ofSeconds(5), () -> fixture.activeClients() == 1);
        echo(other, "after the hog".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Fifty clients write a frame and close before the echo: reset and broken pipe are survived. The limit is
     * above 51 so no client here can be turned away; accept is FIFO, so once the normal client is echoed every
     * early closer has been accepted, and each session must then end on its own.
     */
    @Test
    void clientsThatCloseBeforeTheirEchoDoNotHurtTheServer() throws Exception {
        start(LONG, 64);
        for (int i = 0; i < 50; i++) {
            try (Socket s = new Socket()) {
                s.connect(fixture.address());
                s.getOutputStream().write(frame(payload(i % 2 == 0 ? 65536 : 10, i)));
            }
        }
        Socket s = fixture.connect();
        for (int i = 0; i < 5; i++) {
            echo(s, payload(1000, i));
        }
        waitUntil("every early closer's session has ended", Duration.ofSeconds(10),
                () -> fixture.activeClients() == 1);
    }

    /**
     * 200 connections of garbage (random bytes, an oversize header, half a header, a truncated frame), then
     * the process's fd count comes back to where it was. The limit is above 200 so none is turned away, and a
     * marker client echoed after them proves (accept being FIFO) that all of them were accepted.
     */
    @Test
    void garbageConnectionsLeaveNoFileDescriptorBehind() throws Exception {
        start(LONG, 256);
        try (Socket warmUp = new Socket()) { // classes, threads and the log's files are in place before counting
            warmUp.connect(fixture.address());
            echo(warmUp, new byte[] {0});
        }
        waitUntil("the warm-up client is gone", Duration.ofSeconds(5), () -> fixture.activeClients() == 0);
        int before = openFds();
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = switch (i % 4) {
                case 0 -> randomBytes(random, 1 + random.nextInt(200));
                case 1 -> header(0xFFFFFFFFL);
                case 2 -> new byte[] {0, 0};
                default -> concat(header(1000), randomBytes(random, 10));
            };
            try (Socket s = new Socket()) {
                s.connect(fixture.address());
                s.getOutputStream().write(garbage);
            }
        }
        try (Socket marker = new Socket()) {
            marker.connect(fixture.address());
            echo(marker, "served after the garbage".getBytes(StandardCharsets.US_ASCII));
        }
        waitUntil("every garbage connection is closed by the server", Duration.ofSeconds(10),
                () -> fixture.activeClients() == 0);
        waitUntil("the fd count to come back to " + before, Duration.ofSeconds(10), () -> openFds() <= before);
    }

    /** With room for two, a third client is accepted and closed at once while the first two keep echoing. */
    @Test
    void pastMaxClientsAConnectionIsClosedAtOnce() throws Exception {
        start(LONG, 2);
        Socket first = fixture.connect();
        Socket second = fixture.connect();
        echo(first, new byte[] {1});
        echo(second, new byte[] {2});

        Socket third = fixture.connect();
        assertClosedWithNothingSent(third);

        echo(first, new byte[] {3});
        echo(second, new byte[] {4});

        first.close();
        waitUntil("the first client's slot is released", Duration.ofSeconds(5),
                () -> fixture.activeClients() == 1);
        echo(fixture.connect(), new byte[] {5});
    }

    private static ExecutionException catchExecution(Future<?> future) throws Exception {
        try {
            future.get(20, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e;
        }
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
