package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.payload;
import static dev.trustctl.server.ServerFixture.readExactly;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.weeks.HttpEchoProtocol;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Week 4's HTTP echo ({@link HttpEchoProtocol}) served by every engine over real sockets: the JDK's own HTTP
 * client gets its bodies back, a connection is kept alive between requests, and a close the client asked for or
 * a refusal is a reply, then a clean end of stream, never a reset. The engine hazards are in
 * {@link EngineHazardsTest}.
 */
@Timeout(30)
@ParameterizedClass(name = "--io {0}")
@EnumSource(Io.class)
@ExtendWith(EngineAvailable.class)
class HttpEchoServerTest {
    @Parameter
    Io io;

    private ServerFixture fixture;

    @BeforeEach
    void startServer() throws Exception {
        fixture = ServerFixture.start(io, ServerSettings.DEFAULT_TIMEOUT, 8, 1, HttpEchoProtocol.factory());
    }

    @AfterEach
    void stopServer() {
        fixture.close();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(ISO_8859_1);
    }

    private static String post(String body, String extraHeaders) {
        return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "Content-Length: " + body.length()
                + "\r\n\r\n" + body;
    }

    /** An independent client (java.net.http): bodies of every size, and none, come back with a 200. */
    @Test
    void theJdkHttpClientGetsItsBodiesBack() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI uri = URI.create("http://127.0.0.1:" + fixture.server.port() + "/echo");
        for (int size : new int[] {0, 1, 1000, HttpEchoProtocol.MAX_BODY}) {
            byte[] body = payload(size, size);
            HttpRequest post = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<byte[]> response = client.send(post, HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(body);
        }
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEmpty();
    }

    /** Two requests on one connection, one after the other's reply; the third asks to close, and it does. */
    @Test
    void aConnectionIsKeptAliveUntilTheClientAsksToClose() throws Exception {
        Socket s = fixture.connect();
        OutputStream out = s.getOutputStream();
        for (String body : new String[] {"first", "second"}) {
            out.write(ascii(post(body, "")));
            byte[] reply = ascii("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertThat(readExactly(s, reply.length)).isEqualTo(reply);
        }
        out.write(ascii(post("last", "Connection: close\r\n")));
        byte[] reply = ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nlast");
        assertThat(readExactly(s, reply.length)).isEqualTo(reply);
        assertThat(s.getInputStream().read()).as("then a clean end of stream").isEqualTo(-1);
        assertThat(fixture.stopAndCountFrames()).as("requests answered").isEqualTo(3);
    }

    /**
     * A body over the limit is refused from its head: the client, still sending 256 KiB the server never reads,
     * gets the whole 413 and then a clean end, not a reset that would destroy the reply before it is read.
     */
    @Test
    void aBodyOverTheLimitGetsA413ThenACleanEndWhileTheClientIsStillSending() throws Exception {
        assertRefusedWhileSending(ascii(post("x".repeat(256 * 1024), "")), "413 Content Too Large");
    }

    @Test
    void aHeadOverTheLimitGetsA431ThenACleanEndWhileTheClientIsStillSending() throws Exception {
        String head = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + "p".repeat(256 * 1024) + "\r\n\r\n";
        assertRefusedWhileSending(ascii(head), "431 Request Header Fields Too Large");
    }

    private void assertRefusedWhileSending(byte[] request, String status) throws Exception {
        Socket s = fixture.connect();
        ExecutorService writer = ServerFixture.clientThreads("http-writer");
        try {
            Future<?> sending = writer.submit(() -> {
                s.getOutputStream().write(request); // may fail once the server has closed: what it read is dropped
                return null;
            });
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), ISO_8859_1); // a reset throws here
            assertThat(reply).startsWith("HTTP/1.1 " + status + "\r\n").contains("\r\nConnection: close\r\n");
            int length = Integer.parseInt(reply.replaceAll("(?s).*Content-Length: ([0-9]+).*", "$1"));
            assertThat(reply.length() - reply.indexOf("\r\n\r\n") - 4).as("the whole reply").isEqualTo(length);
            sending.cancel(true);
        } finally {
            s.close();
            ServerFixture.stopClientThreads(writer);
        }
    }
}
