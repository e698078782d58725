package dev.trustctl.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.wire.Watchdog;
import dev.trustctl.display.WireTrace;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code --trace} on the client against a hand-made server that sends its reply in two pieces and waits between
 * them until the client has read the first: the trace must show that partial read as it happened.
 */
class EchoClientTraceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void thePartialReadOfASplitReplyIsShownCallByCall() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CountDownLatch firstPieceRead = new CountDownLatch(1);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Watchdog watchdog = new Watchdog(TIMEOUT, "trace-test-watchdog")) {
            Thread server = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    InputStream in = s.getInputStream();
                    in.readNBytes(16);
                    OutputStream out = s.getOutputStream();
                    out.write(new byte[] {0, 0, 0, 12, 'h', 'e', 'l', 'l', 'o'});
                    out.flush();
                    firstPieceRead.await(10, TimeUnit.SECONDS);
                    out.write(" framed".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            server.start();
            try (EchoClient client = EchoClient.connect("127.0.0.1", listener.getLocalPort(), TIMEOUT, watchdog)) {
                client.trace(new WireTrace(new PrintStream(new OutputStream() {
                    @Override
                    public void write(int b) {
                        bytes.write(b);
                        if (bytes.toString(StandardCharsets.UTF_8).contains("read 5 of 12 bytes")) {
                            firstPieceRead.countDown();
                        }
                    }
                }, true, StandardCharsets.UTF_8)));
                assertThat(new String(client.echo("hello framed".getBytes(StandardCharsets.US_ASCII)),
                        StandardCharsets.US_ASCII)).isEqualTo("hello framed");
            }
            server.join(TIMEOUT.toMillis());
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "> frame 1: header 00 00 00 0c = length 12",
                "> payload 12 bytes",
                ">   0000  68 65 6c 6c 6f 20 66 72 61 6d 65 64              |hello framed|",
                ">   write 16 of 16 bytes",
                "<   read 4 of 4 bytes",
                "< echo 1: header 00 00 00 0c = length 12",
                "<   read 5 of 12 bytes",
                "<   read 7 of 7 bytes",
                "< payload 12 bytes",
                "<   0000  68 65 6c 6c 6f 20 66 72 61 6d 65 64              |hello framed|");
    }
}
