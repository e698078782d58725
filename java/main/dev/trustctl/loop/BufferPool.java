package dev.trustctl.loop;

import dev.trustctl.proto.FrameCodec;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.stream.Stream;

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

    /** One shelf per step: 4, 8, 16, 32 KiB, LARGE. */
    private final List<ArrayDeque<ByteBuffer>> shelves = Stream.generate(ArrayDeque<ByteBuffer>::new).limit(5).toList();

    /** A cleared buffer of at least {@code size} bytes (at most {@link #LARGE}): the smallest step that fits. */
    ByteBuffer take(int size) {
        int capacity = stepFor(size);
        ByteBuffer b = shelves.get(shelf(capacity)).poll();
        return b != null ? b.clear()
                : capacity == LARGE ? ByteBuffer.allocateDirect(LARGE) : ByteBuffer.allocate(capacity);
    }

    /** The capacity {@link #take} gives for {@code size} bytes; {@code stepFor(capacity + 1)} is the next step up. */
    static int stepFor(int size) {
        return size > LARGEST_HEAP ? LARGE : Math.max(SMALL, Integer.highestOneBit(size - 1) << 1); // a power of 2
    }

    void give(ByteBuffer b) {
        ArrayDeque<ByteBuffer> shelf = shelves.get(shelf(b.capacity()));
        if (shelf.size() < KEEP) {
            shelf.push(b);
        }
    }

    /** 4 KiB: 0, 8 KiB: 1, ... LARGE (16 times 4 KiB and a little): 4. */
    private static int shelf(int capacity) {
        return 31 - Integer.numberOfLeadingZeros(capacity / SMALL);
    }
}
