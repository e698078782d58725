package dev.trustctl.echo.loop;

import dev.trustctl.wire.FrameDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Buffers for the unfinished frames of one loop's connections, in two sizes: a small one (on the heap) for the
 * usual short frame, and a direct one for the largest frame, taken only when a frame needs it; the loop's own
 * read buffer is a large one too, so it can be handed to a connection instead of copied. A connection holds one
 * only while a frame of its is unfinished (or its echo unsent); at most {@value #KEEP} of each size wait here.
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
            // Direct: the socket reads and writes a large frame in place, where a heap buffer costs a copy each way.
            b = big ? ByteBuffer.allocateDirect(LARGE) : ByteBuffer.allocate(SMALL);
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
