package dev.trustctl.proto;

import dev.trustctl.proto.Protocol.Step;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one place the property tests touch the protocol core: it plays an engine's part around
 * the echo's {@link FramedProtocol} (a buffer of one maximum message, reads appended, replies written at once, each
 * whole message seen by an echoing handler, header and all) and reports in plain terms what a stream of reads came to.
 */
final class ProtocolHarness implements FrameHandler, ProtocolEvents {
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

    private final Protocol protocol;
    /** Never larger than one whole message: a core that needs more leaves this harness stuck. */
    private final ByteBuffer held = ByteBuffer.allocate(FrameCodec.MAX_FRAME_WITH_HEADER_BYTES).flip();
    private final List<byte[]> messages = new ArrayList<>();
    private long rejectedLength = -1;
    private int heldAtRejection;
    private TruncatedFrameException truncated;
    private boolean stuck;
    private boolean anyByte;
    private boolean raw;

    private ProtocolHarness() {
        protocol = FramedProtocol.factory(this).open(new Protocol.Context(1, "test", this, phase -> { }, () -> false, 1000));
        protocol.open();
    }

    @Override
    public String failed(Throwable error) {
        if (error instanceof FrameTooLargeException f) {
            rejectedLength = f.fields().stream().filter(e -> e.getKey().equals("length"))
                    .mapToLong(e -> (Long) e.getValue()).findFirst().orElseThrow();
            heldAtRejection = held.remaining();
        } else if (error instanceof TruncatedFrameException t) {
            truncated = t;
        }
        return error.getClass().getSimpleName();
    }

    @Override
    public void opened() {
    }

    @Override
    public void received(int bytes) {
    }

    @Override
    public void becameRaw() {
        raw = true;
    }

    @Override
    public void replied(String event, boolean numbered, int requestBytes, int replyBytes) {
    }

    @Override
    public void sent(int bytes) {
    }

    @Override
    public void closed(String reason) {
    }

    /** The echo, noting each whole message it is shown (a frame with its header put back). */
    @Override
    public List<ByteBuffer> reply(ByteBuffer payload) {
        int header = raw ? 0 : FrameCodec.HEADER_BYTES;
        ByteBuffer m = ByteBuffer.allocate(header + payload.remaining());
        if (!raw) {
            m.putInt(payload.remaining());
        }
        m.put(payload.duplicate());
        messages.add(m.array());
        return List.of(payload);
    }

    @Override
    public boolean takesRaw() {
        return true;
    }

    /** Feeds the reads in order, then an end of stream; stops at the first rejection. */
    static Result decode(List<byte[]> reads) {
        ProtocolHarness h = new ProtocolHarness();
        for (byte[] read : reads) {
            if (!h.feed(read)) {
                break;
            }
        }
        return h.end();
    }

    /** Whether the protocol said it became raw once {@code bytes} arrived in one read; null if no byte came. */
    static Boolean modeAfter(byte[] bytes) {
        ProtocolHarness h = new ProtocolHarness();
        h.feed(bytes);
        return h.anyByte ? h.raw : null;
    }

    /** One read: returns false once the stream was rejected or the harness is stuck. */
    private boolean feed(byte[] read) {
        int at = 0;
        do {
            if (held.position() == 0 && held.limit() == held.capacity() && at < read.length) {
                stuck = true; // a whole message's worth held and still no message: the core wants more
                return false;
            }
            held.compact();
            int n = Math.min(held.remaining(), read.length - at);
            held.put(read, at, n).flip();
            at += n;
            if (n > 0) {
                anyByte = true;
                if (!answer(protocol.received(held, n))) {
                    return false;
                }
            }
        } while (at < read.length);
        return true;
    }

    /** Writes every reply the core offers (in place: the position moves past it); false once it closes. */
    private boolean answer(Step first) {
        Step step = first;
        while (step == Step.WRITE) {
            held.position(held.position() + protocol.inPlaceBytes());
            step = protocol.sent(held) ? protocol.next(held) : Step.CLOSE;
        }
        return step != Step.CLOSE;
    }

    private Result end() {
        if (rejectedLength < 0 && !stuck) {
            protocol.endOfInput(held);
        }
        return new Result(List.copyOf(messages), raw, rejectedLength, heldAtRejection, truncated, stuck);
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
