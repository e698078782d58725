package dev.trustctl.weeks;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.trustctl.proto.FrameHandler;
import dev.trustctl.proto.FramedProtocol;
import dev.trustctl.proto.Protocol;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentMap;

/**
 * Week 9: a key-value store on week 2's framing. {@link FramedProtocol} does the header, the size limit, the
 * deadlines and the log; this handler only answers one message's payload:
 * <pre>
 *   request payload                          reply payload
 *   'G' keyLength(2 bytes) key               '+' value, or '-' (no such key)
 *   'P' keyLength key value (the rest)       '+'
 *   'D' keyLength key                        '+' (deleted), or '-' (no such key)
 *   anything else                            '!' and why, in ASCII
 * </pre>
 * keyLength is big-endian; keys and values are any bytes. Each connection gets a handler of its own (it could
 * keep that connection's state; this one needs none), and every handler shares the one store, so the store must
 * be thread-safe: connections run on several threads at once.
 */
public final class KeyValueHandler implements FrameHandler {
    public static final byte GET = 'G';
    public static final byte PUT = 'P';
    public static final byte DELETE = 'D';
    public static final byte OK = '+';
    public static final byte MISSING = '-';
    public static final byte MALFORMED = '!';

    // Shared by every connection: safe, because the framing copies a reply without moving its position or limit.
    private static final ByteBuffer OK_REPLY = ByteBuffer.wrap(new byte[] {OK}).asReadOnlyBuffer();
    private static final ByteBuffer MISSING_REPLY = ByteBuffer.wrap(new byte[] {MISSING}).asReadOnlyBuffer();

    private final ConcurrentMap<String, byte[]> store;

    private KeyValueHandler(ConcurrentMap<String, byte[]> store) {
        this.store = store;
    }

    /** The server's protocol: the framing, with one handler per connection over the one {@code store}. */
    public static Protocol.Factory protocol(ConcurrentMap<String, byte[]> store) {
        return FramedProtocol.perConnection(context -> new KeyValueHandler(store));
    }

    @Override
    public List<ByteBuffer> reply(ByteBuffer request) {
        if (request.remaining() < 3) {
            return malformed("a request is an op and a 2-byte key length at least");
        }
        byte op = request.get();
        int keyLength = Short.toUnsignedInt(request.getShort());
        if (request.remaining() < keyLength) {
            return malformed("the key is cut short");
        }
        byte[] key = new byte[keyLength];
        request.get(key);
        String k = new String(key, ISO_8859_1); // one char per byte: equal bytes, equal keys
        if (op == PUT) {
            byte[] value = new byte[request.remaining()];
            request.get(value);
            store.put(k, value);
            return List.of(OK_REPLY);
        }
        if (op != GET && op != DELETE) {
            return malformed("unknown op " + (op & 0xff));
        }
        if (request.hasRemaining()) {
            return malformed("bytes after the key");
        }
        byte[] value = op == GET ? store.get(k) : store.remove(k);
        if (value == null) {
            return List.of(MISSING_REPLY);
        }
        return List.of(op == DELETE ? OK_REPLY : ByteBuffer.allocate(1 + value.length).put(OK).put(value).flip());
    }

    @Override
    public String replyEvent() {
        return "kv_request";
    }

    private static List<ByteBuffer> malformed(String why) {
        byte[] text = why.getBytes(US_ASCII);
        return List.of(ByteBuffer.allocate(1 + text.length).put(MALFORMED).put(text).flip());
    }

    /** A request's payload, as a client writes it: {@code value} only for {@link #PUT}. */
    public static byte[] request(byte op, byte[] key, byte[] value) {
        return ByteBuffer.allocate(3 + key.length + value.length).put(op).putShort((short) key.length).put(key)
                .put(value).array();
    }
}
