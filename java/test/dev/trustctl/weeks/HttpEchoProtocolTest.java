package dev.trustctl.weeks;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.proto.Phase;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Week 4's HTTP echo driven with no socket ({@link InMemoryConnection}): what it answers, however the reads cut
 * the requests, pipelined or not, and when it refuses a request and closes.
 */
class HttpEchoProtocolTest {
    private final InMemoryConnection conn = new InMemoryConnection(HttpEchoProtocol.factory());

    static String post(String body, String... headers) {
        return "POST /echo HTTP/1.1\r\nHost: test\r\n" + String.join("", headers) + "Content-Length: "
                + body.length() + "\r\n\r\n" + body;
    }

    static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private String written() {
        return new String(conn.written(), ISO_8859_1);
    }

    private InMemoryConnection read(String bytes) {
        return conn.read(bytes.getBytes(ISO_8859_1));
    }

    @Test
    void theBodyComesBackAsA200AndTheConnectionStaysOpen() {
        read(post("hello"));
        assertThat(written()).isEqualTo(ok("hello"));
        assertThat(conn.isOpen()).isTrue();
        assertThat(conn.phase()).as("between requests").isEqualTo(Phase.IDLE);
        assertThat(conn.events).containsExactly("http_request " + post("hello").length() + "->" + ok("hello").length());
    }

    @Test
    void aRequestWithNoBodyGetsAnEmpty200() {
        read("GET / HTTP/1.1\r\nHost: test\r\n\r\n");
        assertThat(written()).isEqualTo(ok(""));
    }

    @Test
    void bareLineFeedsAreTakenForCrlf() {
        read("POST / HTTP/1.1\nHost: test\nContent-Length: 2\n\nhi");
        assertThat(written()).isEqualTo(ok("hi"));
    }

    /** Three requests in one read, the last one asking to close: three replies in order, then a graceful close. */
    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        read(post("one") + "GET /two HTTP/1.1\r\nHost: test\r\n\r\n" + post("three", "Connection: close\r\n"));
        assertThat(written()).isEqualTo(ok("one") + ok("")
                + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nthree");
        assertThat(conn.closedGracefully()).isTrue();
        assertThat(conn.events).last().isEqualTo("closed connection_close");
    }

    /** Every cut of a pipelined stream into two reads, and one byte per read: always the same replies. */
    @Test
    void anySplitOfTheStreamGetsTheSameReplies() {
        byte[] stream = (post("a body\r\n\r\nwith a blank line") + "GET / HTTP/1.1\nHost: x\n\n" + post("")
                + post("last", "Connection: keep-alive, close\r\n")).getBytes(ISO_8859_1);
        InMemoryConnection whole = new InMemoryConnection(HttpEchoProtocol.factory()).read(stream);
        assertThat(whole.closedGracefully()).isTrue();
        assertThat(whole.events).hasSize(5);
        for (int cut = 0; cut <= stream.length; cut++) {
            InMemoryConnection split = new InMemoryConnection(HttpEchoProtocol.factory())
                    .read(List.of(Arrays.copyOf(stream, cut), Arrays.copyOfRange(stream, cut, stream.length)));
            assertThat(split.written()).as("cut at %d", cut).isEqualTo(whole.written());
            assertThat(split.events).as("cut at %d", cut).isEqualTo(whole.events);
        }
        InMemoryConnection byteByByte = new InMemoryConnection(HttpEchoProtocol.factory());
        for (byte b : stream) {
            byteByByte.read(new byte[] {b});
        }
        assertThat(byteByByte.written()).isEqualTo(whole.written());
    }

    /** Once the head is read it is let go: the engine is asked for exactly the body's rest, and holds only that. */
    @Test
    void afterTheHeadItNeedsExactlyTheRestOfTheBody() {
        assertThat(conn.needed()).as("a head: whatever arrives").isZero();
        read("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 65536\r\n\r\n" + "x".repeat(1000));
        assertThat(conn.needed()).isEqualTo(65536 - 1000);
        read("x".repeat(65536 - 1000));
        assertThat(written()).isEqualTo(ok("x".repeat(65536)));
        assertThat(conn.needed()).isZero();
    }

    @Test
    void aHeadOfExactlyTheLimitIsServed() {
        String head = "GET / HTTP/1.1\r\nHost: t\r\nX-Pad: \r\n\r\n";
        String padded = head.replace("X-Pad: ", "X-Pad: " + "p".repeat(HttpEchoProtocol.MAX_HEAD - head.length()));
        read(padded);
        assertThat(written()).isEqualTo(ok(""));
    }

    static Stream<Arguments> refusals() {
        String h = "Host: t\r\n";
        return Stream.of(
                Arguments.of("400 Bad Request", "GET /\r\n" + h + "\r\n"),
                Arguments.of("400 Bad Request", "GET / HTTP/1.1\r\n\r\n"), // no Host
                Arguments.of("400 Bad Request", "GET / HTTP/1.1\r\n" + h + "no colon\r\n\r\n"),
                Arguments.of("400 Bad Request", "GET / HTTP/1.1\r\n" + h + " folded: header\r\n\r\n"),
                Arguments.of("400 Bad Request", "POST / HTTP/1.1\r\n" + h + "Content-Length: -1\r\n\r\n"),
                Arguments.of("400 Bad Request",
                        "POST / HTTP/1.1\r\n" + h + "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx"),
                Arguments.of("400 Bad Request", "\r\n"),
                Arguments.of("413 Content Too Large", "POST / HTTP/1.1\r\n" + h + "Content-Length: 65537\r\n\r\n"),
                Arguments.of("413 Content Too Large",
                        "POST / HTTP/1.1\r\n" + h + "Content-Length: 99999999999999999999999\r\n\r\n"),
                Arguments.of("501 Not Implemented",
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("505 HTTP Version Not Supported", "GET / HTTP/2.0\r\n" + h + "\r\n"));
    }

    /** Refused: the status, a reason in words, Connection: close, then a graceful close; nothing after is read. */
    @ParameterizedTest(name = "{0} for {1}")
    @MethodSource("refusals")
    void aRequestItCannotServeGetsAnErrorStatusThenAGracefulClose(String status, String request) {
        read(request + post("never answered"));
        String code = status.substring(0, 3);
        assertThat(written()).startsWith("HTTP/1.1 " + status + "\r\n").contains("\r\nConnection: close\r\n");
        assertThat(written().substring(written().indexOf("\r\n\r\n") + 4)).as("a reason in words").endsWith("\n")
                .hasSizeGreaterThan(10);
        assertThat(written()).as("nothing after the refusal is answered").doesNotContain("200 OK");
        assertThat(conn.closedGracefully()).isTrue();
        assertThat(conn.events).hasSize(2).last().isEqualTo("closed http_" + code);
        assertThat(conn.events.get(0)).startsWith("http_rejected ");
    }

    /** A head one byte over the limit is refused; one that has not ended at the limit is, before more arrives. */
    @Test
    void aHeadOverTheLimitIsRefusedWith431() {
        String head = "GET / HTTP/1.1\r\nHost: t\r\nX-Pad: " + "p".repeat(HttpEchoProtocol.MAX_HEAD) + "\r\n\r\n";
        read(head.substring(0, HttpEchoProtocol.MAX_HEAD - 1));
        assertThat(written()).as("one byte short of the limit: it waits").isEmpty();
        read(head.substring(HttpEchoProtocol.MAX_HEAD - 1, HttpEchoProtocol.MAX_HEAD));
        assertThat(written()).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
        assertThat(conn.closedGracefully()).isTrue();

        InMemoryConnection oneOver = new InMemoryConnection(HttpEchoProtocol.factory());
        String padded = "GET / HTTP/1.1\r\nHost: t\r\nX-Pad: \r\n\r\n";
        oneOver.read(padded.replace("X-Pad: ", "X-Pad: " + "p".repeat(HttpEchoProtocol.MAX_HEAD + 1 - padded.length()))
                .getBytes(ISO_8859_1));
        assertThat(new String(oneOver.written(), ISO_8859_1)).startsWith("HTTP/1.1 431 ");
    }

    @Test
    void http10AndConnectionCloseCloseAfterTheReply() {
        read("POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi");
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
        assertThat(conn.closedGracefully()).isTrue();
    }

    @Test
    void aPeerThatClosesBetweenRequestsEndsCleanly() {
        read(post("x")).end();
        assertThat(conn.events).containsExactly("http_request 55->39", "closed peer_closed");
    }

    @Test
    void aPeerThatClosesMidRequestIsAFailureNotAReply() {
        read("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc").end();
        assertThat(written()).isEmpty();
        assertThat(conn.events).containsExactly("failed EOFException", "closed peer_closed");
        assertThat(conn.closedGracefully()).isFalse();
    }

    @Test
    void aPeerThatClosesMidHeadIsAFailureToo() {
        read("GET / HTTP/1.1\r\nHo").end();
        assertThat(conn.events).containsExactly("failed EOFException", "closed peer_closed");
    }

    /** Replies of a connection that pipelines many requests: each body comes back, in order, none merged. */
    @Test
    void manyPipelinedRequestsOfEverySize() {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        for (int size : new int[] {0, 1, 2, 100, 4096, 0, 65536, 65535, 7}) {
            String body = "b".repeat(size);
            sent.writeBytes(post(body).getBytes(ISO_8859_1));
            expected.append(ok(body));
        }
        conn.read(sent.toByteArray());
        assertThat(written()).isEqualTo(expected.toString());
        assertThat(conn.isOpen()).isTrue();
    }
}
