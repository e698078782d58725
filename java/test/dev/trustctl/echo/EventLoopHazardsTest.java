package dev.trustctl.echo;

import static dev.trustctl.echo.ServerFixture.echo;
import static dev.trustctl.echo.ServerFixture.frame;
import static dev.trustctl.echo.ServerFixture.payload;
import static dev.trustctl.echo.ServerFixture.readExactly;
import static dev.trustctl.echo.ServerFixture.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an event loop can get wrong and a thread per client cannot: one client's stalled write holding up the
 * others on its loop, a frame assembled from many tiny reads, echoes the socket takes a piece at a time, and a
 * stop with a write still owed. Every server here runs a single loop, so every client shares it; the threads
 * engine must pass the same tests.
 */
@Timeout(60)
@ParameterizedClass(name = "--io {0}")
@EnumSource(Io.class)
@ExtendWith(EngineAvailable.class)
class EventLoopHazardsTest {
    /** No deadline may rescue a test here: only the engine's own handling passes it. */
    private static final Duration LONG = ServerSettings.DEFAULT_TIMEOUT;
    private static final int SMALLEST_RECEIVE_BUFFER = 1024; // the kernel rounds it up to its minimum

    @Parameter
    Io io;

    private ServerFixture fixture;
    private final ExecutorService background = ServerFixture.clientThreads("hazard-client");

    @AfterEach
    void stopServer() throws InterruptedException {
        if (fixture != null) {
            fixture.close();
        }
        ServerFixture.stopClientThreads(background);
    }

    private SocketChannel tinyReceiver() throws Exception {
        SocketChannel c = fixture.track(SocketChannel.open());
        c.socket().setReceiveBufferSize(SMALLEST_RECEIVE_BUFFER);
        c.connect(fixture.address());
        return c;
    }

    /**
     * A client that sends 64 KiB frames and never reads leaves the server owing it an echo; the server then
     * stops reading from it, so its bytes pile up unread. Meanwhile a client on the same loop gets 200 echoes,
     * and the non-reader is still connected (no deadline has run out): it was simply set aside.
     */
    @Test
    void aClientThatNeverReadsDoesNotHoldUpTheOthersOnItsLoop() throws Exception {
        fixture = ServerFixture.start(io, LONG, 8, 1);
        SocketChannel hog = tinyReceiver();
        ByteBuffer big = ByteBuffer.wrap(frame(payload(65536, 7)));
        background.submit(() -> {
            for (int i = 0; i < 64; i++) { // 4 MiB: more than both sockets' buffers hold
                hog.write(big.rewind());
            }
            return null;
        });
        int hogPort = hog.socket().getLocalPort();
        waitUntil("the server stops reading from the client it owes an echo", Duration.ofSeconds(10),
                () -> fixture.unreadByServer(hogPort) > 0);
        Socket fast = fixture.connect();
        for (int i = 0; i < 200; i++) {
            echo(fast, payload(100, i));
        }
        assertThat(fixture.server.activeClients()).as("the non-reader is set aside, not cut off").isEqualTo(2);
    }

    /** 65 540 writes of one byte each: the frame is assembled across as many reads and echoed once, whole. */
    @Test
    void aLargestFrameArrivingOneByteAtATimeIsEchoedWhole() throws Exception {
        fixture = ServerFixture.start(io, LONG, 8, 1);
        byte[] frame = frame(payload(65536, 3));
        Socket s = fixture.connect();
        OutputStream out = s.getOutputStream();
        for (byte b : frame) {
            out.write(b);
        }
        assertThat(readExactly(s, frame.length)).isEqualTo(frame);
        echo(s, payload(10, 4));
    }

    /**
     * A client with the smallest receive buffer gets ten 64 KiB echoes the socket can only take a few KiB at a
     * time, so every echo goes out in many partial writes; it reads slowly, in 1000-byte reads, and every byte
     * comes back in order.
     */
    @Test
    void echoesThatTheSocketTakesPieceByPieceArriveWholeAndInOrder() throws Exception {
        fixture = ServerFixture.start(io, LONG, 8, 1);
        SocketChannel c = tinyReceiver();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < 10; i++) {
            sent.write(frame(payload(65536 - i, i)));
        }
        byte[] all = sent.toByteArray();
        Future<?> writer = background.submit(() -> c.write(ByteBuffer.wrap(all)));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer piece = ByteBuffer.allocate(1000);
        while (got.size() < all.length) {
            piece.clear();
            assertThat(c.read(piece)).as("bytes before end of stream").isPositive();
            got.write(piece.array(), 0, piece.position());
        }
        writer.get(10, TimeUnit.SECONDS);
        assertThat(got.toByteArray()).isEqualTo(all);
    }

    /**
     * A stop while the server still owes a client most of a 64 KiB echo: the client is mid-message, not idle,
     * so the echo is finished within the grace once the client reads, then the connection closes cleanly and
     * serve() returns.
     */
    @Test
    void aStopWithAnEchoStillOwedFinishesItThenCloses() throws Exception {
        fixture = ServerFixture.start(io, LONG, 8, 1);
        SocketChannel c = tinyReceiver();
        byte[] frame = frame(payload(65536, 9));
        c.write(ByteBuffer.wrap(frame));
        int port = c.socket().getLocalPort();
        waitUntil("the server has read the whole frame", Duration.ofSeconds(10),
                () -> fixture.unreadByServer(port) == 0);
        Thread stopper = new Thread(fixture.server::stop, "stopper");
        stopper.start();
        stopper.join(10_000);
        InputStream in = c.socket().getInputStream();
        assertThat(in.readNBytes(frame.length)).as("the owed echo, whole").isEqualTo(frame);
        assertThat(in.read()).as("then a clean end").isEqualTo(-1);
    }
}
