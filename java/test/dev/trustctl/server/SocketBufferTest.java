package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.frame;
import static dev.trustctl.server.ServerFixture.payload;
import static dev.trustctl.server.ServerFixture.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.proto.FrameCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that pipelines 64 KiB frames and never reads its echoes fills every buffer between it and the server.
 * Left to autotuning, the server's end of it grew to megabytes of kernel memory (4 MiB of send queue alone),
 * held for the whole write deadline; with {@link ServerSettings#SOCKET_RECEIVE_BUFFER} and
 * {@link ServerSettings#SOCKET_SEND_BUFFER} it holds at most about one frame each way. Read from {@code ss -tm}.
 */
@Timeout(60)
@ParameterizedClass(name = "--io {0}")
@EnumSource(Io.class)
@ExtendWith(EngineAvailable.class)
class SocketBufferTest {
    private static final Pattern SKMEM = Pattern.compile("skmem:\\(r(\\d+),rb(\\d+),t(\\d+),tb(\\d+),f\\d+,w(\\d+)");
    /** The kernel doubles what SO_RCVBUF and SO_SNDBUF ask for: the other half is its own bookkeeping. */
    private static final long KERNEL_FACTOR = 2;

    @Parameter
    Io io;

    private ServerFixture fixture;

    @AfterEach
    void stopServer() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** The server end's socket memory: what it holds received (r), queued to send (w), and its limits. */
    private record Held(long received, long receiveLimit, long queued, long sendLimit) {
        long total() {
            return received + queued;
        }
    }

    private Held serverEnd(int clientPort) {
        try {
            Process ss = new ProcessBuilder("ss", "-tmnH", "state", "established", "( sport = :"
                    + fixture.server.port() + " and dport = :" + clientPort + " )").redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor();
            Matcher m = SKMEM.matcher(out);
            if (!m.find()) {
                return null; // not listed (yet)
            }
            return new Held(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(5)),
                    Long.parseLong(m.group(4)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClientThatPipelinesAndNeverReadsHoldsAboutOneFrameEachWayInTheServersKernel() throws Exception {
        fixture = ServerFixture.start(io, ServerSettings.DEFAULT_TIMEOUT, 10);
        SocketChannel client = fixture.track(SocketChannel.open(fixture.address()));
        client.configureBlocking(false);
        int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
        ByteBuffer frames = ByteBuffer.wrap(frame(payload(FrameCodec.MAX_FRAME_WITH_HEADER_BYTES - 4, 1)));
        Held[] last = {null};
        // Full when the client can send no more and the server's end stopped changing: it holds all it will.
        waitUntil("every buffer between the client and the server is full", Duration.ofSeconds(30), () -> {
            long sent = 0;
            try {
                for (int n; (n = client.write(frames)) > 0; sent += n) {
                    if (!frames.hasRemaining()) {
                        frames.rewind();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Held now = serverEnd(clientPort);
            boolean settled = sent == 0 && now != null && now.equals(last[0]);
            last[0] = now;
            return settled;
        });
        Held held = last[0];
        assertThat(held.receiveLimit()).as("server SO_RCVBUF as the kernel accounts it")
                .isEqualTo(KERNEL_FACTOR * ServerSettings.SOCKET_RECEIVE_BUFFER);
        assertThat(held.sendLimit()).as("server SO_SNDBUF as the kernel accounts it")
                .isEqualTo(KERNEL_FACTOR * ServerSettings.SOCKET_SEND_BUFFER);
        // The send queue may pass its limit by the one segment that was being queued when it filled.
        assertThat(held.total()).as("bytes the server's kernel holds for this client: %s", held)
                .isLessThanOrEqualTo(held.receiveLimit() + held.sendLimit() + FrameCodec.MAX_FRAME_WITH_HEADER_BYTES);
    }
}
