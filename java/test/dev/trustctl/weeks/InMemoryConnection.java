package dev.trustctl.weeks;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.proto.PhaseTimer;
import dev.trustctl.proto.Protocol;
import dev.trustctl.proto.Protocol.Step;
import dev.trustctl.proto.ProtocolEvents;
import dev.trustctl.proto.FrameCodec;
import dev.trustctl.proto.Phase;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One connection's {@link Protocol} driven as an engine drives it, with no socket and no clock: reads go in,
 * what it writes comes out, and what it reported is kept as short text ({@code "kv_request 5->1"},
 * {@code "failed EOFException"}, {@code "closed http_431"}). Like the loop engine, it keeps at most one largest
 * frame (65 540 bytes) for a protocol that asks to read more, and fails the test if a protocol asks for more room.
 */
final class InMemoryConnection implements ProtocolEvents, PhaseTimer {
    static final int MOST_HELD = FrameCodec.MAX_FRAME_WITH_HEADER_BYTES;

    final List<String> events = new ArrayList<>();
    private final Protocol protocol;
    private final ByteBuffer held = ByteBuffer.allocate(MOST_HELD).flip(); // received, not consumed: [position, limit)
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private Phase phase;
    private boolean closed;
    private boolean graceful;

    InMemoryConnection(Protocol.Factory protocols) {
        protocol = protocols.open(new Protocol.Context(1, "127.0.0.1:40000", this, this, () -> false, 1000));
        protocol.open();
    }

    /** One read that brought {@code bytes} (in pieces, if they are more than there is room for). */
    InMemoryConnection read(byte[] bytes) {
        int at = 0;
        while (at < bytes.length && !closed) {
            held.compact();
            if (!held.hasRemaining()) {
                throw new AssertionError("the protocol asks to read with " + MOST_HELD + " bytes held");
            }
            int n = Math.min(held.remaining(), bytes.length - at);
            held.put(bytes, at, n).flip();
            at += n;
            run(protocol.received(held, n));
        }
        return this; // after a close the rest is dropped, as an engine drains a closing connection
    }

    /** Each of {@code reads}, in order. */
    InMemoryConnection read(List<byte[]> reads) {
        reads.forEach(this::read);
        return this;
    }

    /** The peer ends its stream (FIN). */
    InMemoryConnection end() {
        if (!closed) {
            run(protocol.endOfInput(held));
        }
        return this;
    }

    /** Writes each reply the protocol offers, whole, until it wants to read or closes. */
    private void run(Step first) {
        Step step = first;
        while (step == Step.WRITE) {
            ByteBuffer reply = protocol.reply();
            int n;
            if (reply != null) {
                byte[] bytes = new byte[reply.remaining()];
                reply.get(bytes); // the engine may consume it
                written.writeBytes(bytes);
                n = bytes.length;
            } else {
                n = protocol.inPlaceBytes();
                written.write(held.array(), held.arrayOffset() + held.position(), n);
                held.position(held.position() + n);
            }
            protocol.wrote(n);
            step = protocol.sent(held) ? protocol.next(held) : Step.CLOSE;
        }
        if (step == Step.CLOSE) {
            closed = true;
            graceful = protocol.closesGracefully();
            protocol.closed();
        }
    }

    byte[] written() {
        return written.toByteArray();
    }

    boolean isOpen() {
        return !closed;
    }

    boolean closedGracefully() {
        return closed && graceful;
    }

    /** What the protocol says it needs before it can decide (0: whatever comes). */
    int needed() {
        return protocol.needed(held);
    }

    Phase phase() {
        return phase;
    }

    /** The payloads of the frames in {@code stream}, which must be whole frames only. */
    static List<byte[]> payloads(byte[] stream) {
        List<byte[]> payloads = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(stream);
        while (b.hasRemaining()) {
            byte[] payload = new byte[b.getInt()];
            b.get(payload);
            payloads.add(payload);
        }
        return payloads;
    }

    /** {@code stream} cut into reads at {@code cuts} (any ints: each is taken modulo the stream's length + 1). */
    static List<byte[]> split(byte[] stream, List<Integer> cuts) {
        List<byte[]> reads = new ArrayList<>();
        int from = 0;
        for (int cut : cuts.stream().map(c -> Math.floorMod(c, stream.length + 1)).sorted().toList()) {
            reads.add(Arrays.copyOfRange(stream, from, cut));
            from = cut;
        }
        reads.add(Arrays.copyOfRange(stream, from, stream.length));
        return reads;
    }

    @Override
    public void start(Phase next) {
        phase = next;
    }

    @Override
    public void opened() {
    }

    @Override
    public void received(int bytes) {
    }

    @Override
    public void becameRaw() {
        events.add("raw");
    }

    @Override
    public void replied(String event, boolean numbered, int requestBytes, int replyBytes) {
        events.add(event + " " + requestBytes + "->" + replyBytes);
    }

    @Override
    public void sent(int bytes) {
    }

    @Override
    public String failed(Throwable error) {
        events.add("failed " + error.getClass().getSimpleName());
        return ErrorMap.classify(error).reason();
    }

    @Override
    public void closed(String reason) {
        events.add("closed " + reason);
    }
}
