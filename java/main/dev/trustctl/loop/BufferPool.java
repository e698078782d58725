package dev.trustctl.loop;

import dev.trustctl.proto.FrameCodec;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Buffers for what one loop's connections keep between events (an unfinished message, a reply not yet sent),
 * in steps: 4, 8, 16 and 32 KiB on the heap, sized by what has arrived, never by what a header announces; then
 * one direct buffer for the largest message, which the socket reads and writes in place. A connection holds one
 * only while it keeps bytes; at most {@value #KEEP} of each size wait here for the next.
 */
final class BufferPool {
    static final int SMALL = 4096;
    /** The largest heap step: a connection that keeps more holds a direct buffer for the largest message. */
    static final int LARGEST_HEAP = 32 * 1024;
    static final int LARGE = FrameCodec.MAX_FRAME_WITH_HEADER_BYTES;
    private static final int KEEP = 64;
    private static final int STEPS = 5; // 4, 8, 16, 32 KiB, LARGE

    private final List<ArrayDeque<ByteBuffer>> shelves = new ArrayList<>(STEPS);

    BufferPool() {
        for (int i = 0; i < STEPS; i++) {
            shelves.add(new ArrayDeque<>());
        }
    }

    /** A cleared buffer of at least {@code size} bytes (at most {@link #LARGE}): the smallest step that fits. */
    ByteBuffer take(int size) {
        int step = step(size);
        ByteBuffer b = shelves.get(step).poll();
        if (b == null) {
            b = step == STEPS - 1 ? ByteBuffer.allocateDirect(LARGE) : ByteBuffer.allocate(SMALL << step);
        }
        return b.clear();
    }

    /** The capacity {@link #take} gives for {@code size} bytes. */
    static int stepFor(int size) {
        int step = step(size);
        return step == STEPS - 1 ? LARGE : SMALL << step;
    }

    /** The next step up from a buffer of {@code capacity} bytes. */
    static int grownFrom(int capacity) {
        return capacity >= LARGEST_HEAP ? LARGE : capacity * 2;
    }

    void give(ByteBuffer b) {
        ArrayDeque<ByteBuffer> shelf = shelves.get(step(b.capacity()));
        if (shelf.size() < KEEP) {
            shelf.push(b);
        }
    }

    private static int step(int size) {
        if (size > LARGEST_HEAP) {
            return STEPS - 1;
        }
        int step = 0;
        while ((SMALL << step) < size) {
            step++;
        }
        return step;
    }
}
