package dev.trustctl.wire;

import java.nio.ByteBuffer;

/**
 * Finds whole messages in the bytes a connection has received so far, however the network split them: the one
 * decoder both server engines share. The first byte decides the connection's mode for good: a byte that can
 * begin text ({@link FrameCodec#startsText}) makes it a raw stream, where whatever has arrived is a message;
 * otherwise every message is a frame, and an oversize length is rejected from the header alone.
 * <pre>
 *   received:  [hdr|payload][hdr|pay      ]     next(buf) -> size of the first frame, then 0 (wait for more)
 *              ^ position                  ^ limit
 * </pre>
 * It holds no bytes itself: the caller keeps them, so an engine decides where they live.
 */
public final class FrameDecoder {
    private static final int HEADER = FrameCodec.HEADER_BYTES;
    /** The most bytes one frame can take: {@code next} never asks a caller to hold more than this. */
    public static final int MAX_FRAME = HEADER + FrameCodec.MAX_PAYLOAD;

    private enum Mode { UNKNOWN, FRAMED, RAW }

    private Mode mode = Mode.UNKNOWN;

    /**
     * The size of the whole message that starts at {@code in.position()} within {@code in.limit()}, or 0 while
     * more bytes are needed. Reads nothing out of {@code in}.
     */
    public int next(ByteBuffer in) throws FrameTooLargeException {
        int available = in.remaining();
        if (available == 0) {
            return 0;
        }
        if (mode == Mode.UNKNOWN) {
            mode = FrameCodec.startsText(in.get(in.position())) ? Mode.RAW : Mode.FRAMED;
        }
        if (mode == Mode.RAW) {
            return available;
        }
        if (available < HEADER) {
            return 0;
        }
        int size = HEADER + FrameCodec.payloadLength(in, in.position(), FrameCodec.MAX_PAYLOAD);
        return available >= size ? size : 0;
    }

    /** Whether the first byte made this a raw byte stream. */
    public boolean isRaw() {
        return mode == Mode.RAW;
    }

    /** Whether the mode was decided by a first byte yet. */
    public boolean decided() {
        return mode != Mode.UNKNOWN;
    }

    /**
     * What a close of the stream means with {@code pending} bytes of a message received: nothing (null) at a
     * message boundary, else the truncation to report.
     */
    public TruncatedFrameException truncation(ByteBuffer pending) {
        int got = pending.remaining();
        if (got == 0 || mode == Mode.RAW) {
            return null;
        }
        if (got < HEADER) {
            return new TruncatedFrameException(got, HEADER);
        }
        int length = pending.getInt(pending.position());
        return new TruncatedFrameException(got - HEADER, length);
    }
}
