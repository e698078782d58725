package dev.trustctl.client;

import dev.trustctl.display.WireTrace;
import dev.trustctl.proto.FrameCodec;
import dev.trustctl.proto.Phase;
import dev.trustctl.proto.TruncatedFrameException;
import dev.trustctl.wire.Connection;
import dev.trustctl.wire.Watchdog;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;

/**
 * A client of the echo protocol: sends a payload as one frame and returns the echoed payload. Connecting and
 * every send and receive are bounded by the timeout. Replies are read up to {@link FrameCodec#MAX_PAYLOAD_BYTES}.
 */
public final class EchoClient implements Closeable {
    private final Connection conn;
    private WireTrace trace; // null unless --trace
    private int sent;        // frames sent, to number them in the trace

    private EchoClient(Connection conn) {
        this.conn = conn;
    }

    public static EchoClient connect(String host, int port, Duration timeout, Watchdog watchdog) throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException("unknown host: " + host);
        }
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(address, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        Connection conn = new Connection(channel, timeout, watchdog);
        conn.rest(); // nothing is awaited until the first send
        return new EchoClient(conn);
    }

    /** Shows every frame and every read and write call of this client on {@code trace} from now on. */
    public void trace(WireTrace trace) {
        this.trace = trace;
        conn.trace(trace);
    }

    /** Sends {@code payload} as one frame and returns the payload of the frame that comes back. */
    public byte[] echo(byte[] payload) throws IOException {
        ByteBuffer reply = ByteBuffer.allocate(FrameCodec.MAX_FRAME_WITH_HEADER_BYTES);
        send(FrameCodec.encode(payload));
        readReply(reply);
        return Arrays.copyOfRange(reply.array(), FrameCodec.HEADER_BYTES, reply.position());
    }

    /**
     * One round trip without allocating: writes {@code frame} (header and payload, from position 0), reads the
     * reply into {@code reply} and says whether it is the same bytes. For load loops.
     */
    public boolean roundTrip(ByteBuffer frame, ByteBuffer reply) throws IOException {
        send(frame.rewind());
        return readReply(reply) && reply.flip().equals(frame.rewind());
    }

    /** send_exact within one timeout; then the echo is awaited, within one timeout more. */
    private void send(ByteBuffer frame) throws IOException {
        sent++;
        if (trace != null) {
            trace.sending(frame, sent);
        }
        conn.startPhase(Phase.WRITE);
        conn.sendExact(frame);
        conn.startPhase(Phase.IDLE);
    }

    /**
     * Reads one whole frame into {@code reply} from position 0; false when it is larger than {@code reply} holds
     * (then it is not read). EOF before the frame ends is an {@link EOFException}.
     */
    private boolean readReply(ByteBuffer reply) throws IOException {
        reply.clear().limit(FrameCodec.HEADER_BYTES);
        recvExact(reply, "the server closed the connection before the echo arrived");
        conn.startPhase(Phase.FRAME); // the echo has begun: the rest of it within one timeout
        if (trace != null) {
            trace.receivedHeader(reply, sent);
        }
        int length = FrameCodec.payloadLength(reply, 0, FrameCodec.MAX_PAYLOAD_BYTES);
        if (FrameCodec.HEADER_BYTES + length > reply.capacity()) {
            return false;
        }
        reply.limit(FrameCodec.HEADER_BYTES + length);
        recvExact(reply, "the server closed the connection in the middle of the echo");
        if (trace != null) {
            trace.receivedPayload(reply);
        }
        conn.rest();
        return true;
    }

    /** recv_exact of {@code dst}'s remaining bytes: a close before the first is {@code none}, after it a truncation. */
    private void recvExact(ByteBuffer dst, String none) throws IOException {
        int wanted = dst.remaining();
        int got = conn.recvExact(dst);
        if (got < 0) {
            throw new EOFException(none);
        }
        if (got < wanted) {
            throw new TruncatedFrameException(got, wanted);
        }
    }

    @Override
    public void close() {
        conn.close();
    }
}
