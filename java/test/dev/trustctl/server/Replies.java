package dev.trustctl.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.trustctl.proto.EchoHandler;
import dev.trustctl.proto.FrameHandler;
import dev.trustctl.proto.FramedProtocol;
import dev.trustctl.proto.Protocol;
import dev.trustctl.weeks.HttpEchoProtocol;
import dev.trustctl.weeks.KeyValueHandler;
import dev.trustctl.proto.FrameCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The protocols the engine tests run, each with the request it sends for a size and a seed and the replies that
 * request gets: the echo; a handler whose reply is longer than its request and differs from it in every byte;
 * week 9's key-value store on the same framing; and week 4's HTTP echo, which is not length-prefixed at all.
 */
enum Replies {
    ECHO(EchoHandler.protocol()),
    /** SHA-256 of the payload, then the payload backwards, cut at the frame limit. */
    DIGEST(FramedProtocol.factory(new DigestHandler())),
    /**
     * A put of a value of about {@code size} bytes, then a get of it, in one write: two replies, the put's of one
     * byte, the get's of the value. The key names the size and seed, so a value is the same whoever puts it.
     */
    KEY_VALUE(KeyValueHandler.protocol(new ConcurrentHashMap<>())),
    /** A POST of a body of {@code size} bytes, echoed in a 200. */
    HTTP(HttpEchoProtocol.factory());

    final Protocol.Factory protocols;

    Replies(Protocol.Factory protocols) {
        this.protocols = protocols;
    }

    /** What a client sends: for the framed ones, one frame of a payload of {@code size} bytes. */
    byte[] request(int size, int seed) {
        byte[] payload = ServerFixture.payload(size, seed);
        return switch (this) {
            case ECHO, DIGEST -> ServerFixture.frame(payload);
            case KEY_VALUE -> {
                byte[] put = KeyValueHandler.request(KeyValueHandler.PUT, key(size, seed), value(size, seed));
                byte[] get = KeyValueHandler.request(KeyValueHandler.GET, key(size, seed), new byte[0]);
                yield concat(List.of(ServerFixture.frame(put), ServerFixture.frame(get)));
            }
            case HTTP -> concat(List.of(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + size
                    + "\r\n\r\n").getBytes(ISO_8859_1), payload));
        };
    }

    /** The messages the server sends back for {@link #request}, in order (each one counted as a reply). */
    List<byte[]> replies(int size, int seed) {
        byte[] payload = ServerFixture.payload(size, seed);
        return switch (this) {
            case ECHO -> List.of(ServerFixture.frame(payload));
            case DIGEST -> List.of(ServerFixture.frame(DigestHandler.digestReply(payload)));
            case KEY_VALUE -> List.of(ServerFixture.frame(new byte[] {KeyValueHandler.OK}),
                    ServerFixture.frame(concat(List.of(new byte[] {KeyValueHandler.OK}, value(size, seed)))));
            case HTTP -> List.of(concat(List.of(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n")
                    .getBytes(ISO_8859_1), payload)));
        };
    }

    /** All of {@link #replies}, as the client reads them. */
    byte[] to(int size, int seed) {
        return concat(replies(size, seed));
    }

    private static byte[] key(int size, int seed) {
        return ("key-" + size + "-" + seed).getBytes(ISO_8859_1);
    }

    /** The value the key holds: the put's payload is {@code size} bytes (or its op, key length and key alone). */
    private static byte[] value(int size, int seed) {
        return ServerFixture.payload(Math.max(0, size - 3 - key(size, seed).length), seed);
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        parts.forEach(all::writeBytes);
        return all.toByteArray();
    }

    private static final class DigestHandler implements FrameHandler {
        @Override
        public List<ByteBuffer> reply(ByteBuffer payload) {
            byte[] bytes = new byte[payload.remaining()];
            payload.duplicate().get(bytes);
            return List.of(ByteBuffer.wrap(digestReply(bytes)));
        }

        @Override
        public boolean takesRaw() {
            return true;
        }


        static byte[] digestReply(byte[] payload) {
            byte[] digest;
            try {
                digest = MessageDigest.getInstance("SHA-256").digest(payload);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            byte[] reply = new byte[Math.min(FrameCodec.MAX_PAYLOAD_BYTES, digest.length + payload.length)];
            System.arraycopy(digest, 0, reply, 0, digest.length);
            for (int i = digest.length; i < reply.length; i++) {
                reply[i] = payload[payload.length - 1 - (i - digest.length)];
            }
            return reply;
        }
    }
}
