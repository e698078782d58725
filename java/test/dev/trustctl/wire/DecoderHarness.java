package dev.trustctl.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one place the property tests touch the protocol core: it plays an engine's part around
 * {@link FrameDecoder} (a buffer of one maximum frame, reads appended, whole messages taken out) and reports
 * in plain terms what a stream of reads came to. Porting the properties to another core means changing this
 * class alone.
 */
final class DecoderHarness {
    /** How a stream ended: its messages, whether it went raw, and a rejection or a truncation if any. */
    record Result(List<byte[]> messages, boolean raw, long rejectedLength, int bytesHeldAtRejection,
            TruncatedFrameException truncated, boolean stuck) {
        boolean rejected() {
            return rejectedLength >= 0;
        }

        byte[] concatenated() {
            int n = messages.stream().mapToInt(m -> m.length).sum();
            ByteBuffer all = ByteBuffer.allocate(n);
            messages.forEach(all::put);
            return all.array();
        }
    }

    private final FrameDecoder decoder = new FrameDecoder();
    /** Never larger than one whole frame: a decoder that needs more leaves this harness stuck. */
    private final ByteBuffer held = ByteBuffer.allocate(FrameDecoder.MAX_FRAME).flip();
    private final List<byte[]> messages = new ArrayList<>();
    private long rejectedLength = -1;
    private int heldAtRejection;
    private boolean stuck;

    /** Feeds the reads in order, then an end of stream; stops at the first rejection. */
    static Result decode(List<byte[]> reads) {
        DecoderHarness h = new DecoderHarness();
        for (byte[] read : reads) {
            if (!h.feed(read)) {
                break;
            }
        }
        return h.end();
    }

    /** The mode after {@code bytes} arrived in one read (any rejection aside): raw or not, or null if undecided. */
    static Boolean modeAfter(byte[] bytes) {
        DecoderHarness h = new DecoderHarness();
        h.feed(bytes);
        return h.decoder.decided() ? h.decoder.isRaw() : null;
    }

    /** One read: returns false once the stream was rejected or the harness is stuck. */
    private boolean feed(byte[] read) {
        int at = 0;
        do {
            if (held.position() == 0 && held.limit() == held.capacity() && at < read.length) {
                stuck = true; // a whole frame's worth held and still no message: the decoder wants more
                return false;
            }
            held.compact();
            int n = Math.min(held.remaining(), read.length - at);
            held.put(read, at, n).flip();
            at += n;
            if (!takeMessages()) {
                return false;
            }
        } while (at < read.length);
        return true;
    }

    private boolean takeMessages() {
        try {
            for (int size; (size = decoder.next(held)) > 0; ) {
                byte[] message = new byte[size];
                held.get(message);
                messages.add(message);
            }
            return true;
        } catch (FrameTooLargeException e) {
            rejectedLength = e.length();
            heldAtRejection = held.remaining();
            return false;
        }
    }

    private Result end() {
        TruncatedFrameException truncated = rejectedLength >= 0 || stuck ? null : decoder.truncation(held);
        return new Result(List.copyOf(messages), decoder.isRaw(), rejectedLength, heldAtRejection, truncated, stuck);
    }

    /** {@code stream} cut at the given offsets (sorted, within the stream, repeats allowed: an empty read). */
    static List<byte[]> split(byte[] stream, List<Integer> cuts) {
        List<byte[]> reads = new ArrayList<>();
        int from = 0;
        for (int cut : cuts.stream().sorted().toList()) {
            reads.add(Arrays.copyOfRange(stream, from, cut));
            from = cut;
        }
        reads.add(Arrays.copyOfRange(stream, from, stream.length));
        return reads;
    }
}
