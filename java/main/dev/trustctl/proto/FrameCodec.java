package dev.trustctl.proto;

import java.nio.ByteBuffer;

/**
 * The echo protocol's framing: a 4-byte unsigned big-endian payload length, then that many bytes.
 * <pre>
 * +--------+--------+--------+--------+------------------------+
 * |        length N (big-endian u32)  |   N bytes of payload   |
 * +--------+--------+--------+--------+------------------------+
 *                                      0 &lt;= N &lt;= 65536
 * </pre>
 * The limit counts the payload only, not the 4 header bytes. Because N &lt;= 65536, a valid header's first
 * byte is always 0x00; a first byte that can begin text (see {@link #startsText}) tells a raw stream apart.
 */
public final class FrameCodec {
    public static final int HEADER_BYTES = 4;
    /** The limit a header may announce: 65 536 bytes of payload, the 4 header bytes not counted. */
    public static final int MAX_PAYLOAD_BYTES = 65536;
    /** The most bytes one whole frame takes on the wire, its header included: 65 540. Buffers are sized by it. */
    public static final int MAX_FRAME_WITH_HEADER_BYTES = HEADER_BYTES + MAX_PAYLOAD_BYTES;

    private FrameCodec() {
    }

    /** Reads the header at {@code offset} and returns N; rejects N above {@code max} before anything is sized by it. */
    public static int payloadLength(ByteBuffer buf, int offset, int max) throws FrameTooLargeException {
        long length = Integer.toUnsignedLong(buf.getInt(offset));
        if (length > max) {
            throw new FrameTooLargeException(length, max);
        }
        return (int) length;
    }

    /** A whole frame (header and payload) in a new buffer, ready to write. */
    public static ByteBuffer encode(byte[] payload) {
        return ByteBuffer.allocate(HEADER_BYTES + payload.length).putInt(payload.length).put(payload).flip();
    }

    /**
     * True when a connection's first byte can begin text: ASCII printable or whitespace (0x09..0x0D,
     * 0x20..0x7E) or a UTF-8 lead byte (0xC2..0xF4). As a header it would announce at least 150 MiB, so it
     * is someone typing into nc, not a frame. Any other non-zero first byte is read as an oversize header
     * and rejected, as a framed peer expects.
     */
    public static boolean startsText(byte first) {
        int b = first & 0xff;
        return b >= 0x09 && b <= 0x0d || b >= 0x20 && b <= 0x7e || b >= 0xc2 && b <= 0xf4;
    }
}
