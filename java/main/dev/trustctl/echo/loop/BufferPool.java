package dev.trustctl.echo.loop;

import dev.trustctl.wire.FrameDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Buffers for the unfinished frames of one loop's connections, in two sizes: a small one for the usual short
 * frame, and one for the largest frame, taken only when a frame needs it. A connection holds one only while a
 * frame of its is unfinished (or its echo unsent); at most {@value #KEEP} of each size wait here for reuse.
 */
final class BufferPool {
    static final int SMALL = 4096;
    static final int LARGE = FrameDecoder.MAX_FRAME;
    private static final int KEEP = 64;

    private final ArrayDeque<ByteBuffer> small = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> large = new ArrayDeque<>();

    /** A cleared buffer of at least {@code size} bytes (at most {@link #LARGE}). */
    ByteBuffer take(int size) {
        boolean big = size > SMALL;
        ByteBuffer b = (big ? large : small).poll();
        if (b == null) {
            b = ByteBuffer.allocate(big ? LARGE : SMALL);
        }
        return b.clear();
    }

    void give(ByteBuffer b) {
        ArrayDeque<ByteBuffer> shelf = b.capacity() == LARGE ? large : small;
        if (shelf.size() < KEEP) {
            shelf.push(b);
        }
    }
}
