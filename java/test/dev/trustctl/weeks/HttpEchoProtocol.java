package dev.trustctl.weeks;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.trustctl.proto.BaseProtocol;
import dev.trustctl.proto.Protocol;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Week 4: a minimal HTTP/1.1 echo, a protocol that is not length-prefixed, on the same engines as week 2's
 * framing. It implements {@link Protocol} through {@link BaseProtocol}, which keeps the deadlines, the close and
 * the stop; this class only says what the bytes mean. Each request's body comes back as a 200's body:
 * <pre>
 *   POST /any HTTP/1.1              HTTP/1.1 200 OK
 *   Host: example                   Content-Length: 5
 *   Content-Length: 5
 *                                   hello
 *   hello
 * </pre>
 * The head is the request line and headers up to a blank line (CRLF, or a bare LF), at most {@value #MAX_HEAD}
 * bytes; the body is Content-Length bytes, at most {@value #MAX_BODY} (no chunked encoding). A connection stays
 * open for the next request unless the request says {@code Connection: close} or is HTTP/1.0; pipelined requests
 * are answered in order. A request the echo refuses gets an error status and {@code Connection: close}, then the
 * connection closes gracefully (a FIN after the reply; what still arrives is dropped, never answered with a reset).
 * <p>
 * A parsed head is consumed at once, so while a body arrives only the body is held: the engine never keeps more
 * than {@value #MAX_BODY} bytes for a request (the loop engine keeps at most 65 540 bytes of one connection).
 */
public final class HttpEchoProtocol extends BaseProtocol {
    public static final int MAX_HEAD = 8 * 1024;
    public static final int MAX_BODY = 64 * 1024;

    private int bodyLength = -1;  // -1 while reading a head; then the length of the body being read
    private int headBytes;        // the size of that body's head, consumed already
    private boolean keepAlive;    // what that head said
    private ByteBuffer reply;     // the reply owed, while in WRITE
    private String event;         // its log event
    private int requestBytes;     // the size of the request it answers, head and body

    private HttpEchoProtocol(Context context) {
        super(context);
    }

    /** The server's protocol: one per connection. */
    public static Protocol.Factory factory() {
        return HttpEchoProtocol::new;
    }

    /** 0 (whatever arrives) while reading a head; then the rest of the body. */
    @Override
    public int needed(ByteBuffer in) {
        return bodyLength < 0 ? 0 : Math.max(0, bodyLength - in.remaining());
    }

    @Override
    protected Step decide(ByteBuffer in) {
        if (bodyLength < 0) {
            int end = endOfHead(in);
            if (end < 0) {
                return in.remaining() < MAX_HEAD ? Step.READ
                        : refuse(431, "the head is over " + MAX_HEAD + " bytes", in.remaining());
            }
            int size = end - in.position();
            Head head = Head.parse(ISO_8859_1.decode(in.slice(in.position(), size)).toString());
            in.position(end); // consumed: from here only the body is held
            if (head.status() != 200) {
                return refuse(head.status(), head.why(), size);
            }
            headBytes = size;
            bodyLength = head.bodyLength();
            keepAlive = head.keepAlive();
        }
        if (in.remaining() < bodyLength) {
            return Step.READ;
        }
        ByteBuffer body = in.slice(in.position(), bodyLength);
        in.position(in.position() + bodyLength);
        int size = headBytes + bodyLength;
        bodyLength = -1;
        return owe("http_request", size, response(200, !keepAlive, body), keepAlive ? null : "connection_close");
    }

    @Override
    public ByteBuffer reply() {
        return reply;
    }

    @Override
    protected boolean replyWentOut(ByteBuffer in) {
        events.replied(event, true, requestBytes, reply.limit());
        events.sent(reply.limit());
        reply = null;
        return false;
    }

    @Override
    protected Step endedWith(ByteBuffer in) {
        if (bodyLength < 0 && !in.hasRemaining()) {
            return close("peer_closed", false); // between requests: a clean end
        }
        return fail(new EOFException("the peer closed in the middle of a request (" + progress(in) + ")"));
    }

    @Override
    public String progress(ByteBuffer in) {
        if (bodyLength >= 0) {
            return "body " + Math.min(in.remaining(), bodyLength) + "/" + bodyLength;
        }
        return in.hasRemaining() ? "head, " + in.remaining() + " bytes so far" : "idle";
    }

    /** Where the head at {@code in}'s position ends (just past its blank line), or -1 if it has not all arrived. */
    private static int endOfHead(ByteBuffer in) {
        int lineStart = in.position();
        int end = Math.min(in.limit(), in.position() + MAX_HEAD);
        for (int i = lineStart; i < end; i++) {
            if (in.get(i) == '\n') {
                int length = i - lineStart;
                if (length == 0 || length == 1 && in.get(lineStart) == '\r') {
                    return i + 1;
                }
                lineStart = i + 1;
            }
        }
        return -1;
    }

    private Step refuse(int status, String why, int size) {
        ByteBuffer text = ByteBuffer.wrap((why + "\n").getBytes(US_ASCII));
        return owe("http_rejected", size, response(status, true, text), "http_" + status);
    }

    private Step owe(String event, int requestBytes, ByteBuffer reply, String closeAfter) {
        this.event = event;
        this.requestBytes = requestBytes;
        this.reply = reply;
        if (closeAfter != null) {
            closeAfterReply(closeAfter);
        }
        return Step.WRITE;
    }

    private static ByteBuffer response(int status, boolean close, ByteBuffer body) {
        byte[] head = ("HTTP/1.1 " + status + " " + reason(status) + "\r\nContent-Length: " + body.remaining()
                + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(US_ASCII);
        return ByteBuffer.allocate(head.length + body.remaining()).put(head).put(body).flip();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 505 -> "HTTP Version Not Supported";
            default -> throw new IllegalArgumentException("no reason phrase for " + status);
        };
    }

    /** What a head says: its body's length and whether the connection stays open; or the status refusing it. */
    record Head(int status, String why, int bodyLength, boolean keepAlive) {
        static Head refused(int status, String why) {
            return new Head(status, why, -1, false);
        }

        /** {@code text}: the request line, the header lines and the blank line, each ending in CRLF or LF. */
        static Head parse(String text) {
            String[] lines = text.split("\r?\n");
            String[] request = lines.length == 0 ? new String[0] : lines[0].split(" ", -1);
            if (request.length != 3 || request[0].isEmpty() || request[1].isEmpty()) {
                return refused(400, "the request line is not: method target version");
            }
            String version = request[2];
            if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
                return refused(505, "this echo speaks HTTP/1.1 and HTTP/1.0");
            }
            boolean close = version.equals("HTTP/1.0"); // 1.0 closes after each reply (no 1.0 keep-alive here)
            boolean host = false;
            int length = -1;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                String name = colon < 0 ? "" : lines[i].substring(0, colon);
                if (name.isEmpty() || name.contains(" ") || name.contains("\t")) {
                    return refused(400, "a header line is not: name: value");
                }
                String value = lines[i].substring(colon + 1).trim();
                switch (name.toLowerCase(Locale.ROOT)) {
                    case "host" -> host = true;
                    case "content-length" -> {
                        if (length >= 0 || !value.matches("[0-9]+")) {
                            return refused(400, "Content-Length must be one number");
                        }
                        if (value.length() > 18 || Long.parseLong(value) > MAX_BODY) {
                            return refused(413, "the body is over " + MAX_BODY + " bytes");
                        }
                        length = Integer.parseInt(value);
                    }
                    case "transfer-encoding" -> {
                        return refused(501, "no Transfer-Encoding (chunked) here: send a Content-Length");
                    }
                    case "connection" -> close |= Stream.of(value.split(","))
                            .anyMatch(option -> option.trim().equalsIgnoreCase("close"));
                    default -> {
                        // any other header is allowed and ignored
                    }
                }
            }
            if (!host && version.equals("HTTP/1.1")) {
                return refused(400, "an HTTP/1.1 request needs a Host header");
            }
            return new Head(200, "", Math.max(length, 0), !close);
        }
    }
}
