package dev.trustctl.echo.threads;

import dev.trustctl.proto.ServerProtocol.Step;
import dev.trustctl.proto.ServerProtocol;
import dev.trustctl.wire.Connection;
import dev.trustctl.wire.FrameCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Serves one client on its own thread until it leaves, with blocking calls: read what has arrived, hand it to
 * the connection's {@link ServerProtocol}, write the reply it gives with one blocking send_exact, repeat. What
 * the bytes mean is the protocol's; this class only moves them. Any error closes this connection only.
 */
final class BlockingSession implements Runnable {
    private static final int FIRST_CAPACITY = 4096;

    private final Connection conn;
    private final ServerProtocol protocol;
    private final Duration drain;
    private final Runnable onDone;
    private ByteBuffer buf; // bytes received and not yet answered: [position, limit)

    BlockingSession(Connection conn, ServerProtocol protocol, Duration drain, Runnable onDone) {
        this.conn = conn;
        this.protocol = protocol;
        this.drain = drain;
        this.onDone = onDone;
    }

    @Override
    public void run() {
        try {
            protocol.open();
            try {
                serve();
            } catch (IOException e) {
                if (conn.isClosedLocally()) {
                    protocol.stopNow(); // the server closed it: a stop's linger or its grace ran out
                } else {
                    protocol.failed(e);
                }
            } catch (RuntimeException | OutOfMemoryError e) {
                // A bug, or no memory left for this client's buffer: this connection ends, the server goes on.
                protocol.failed(e);
            } finally {
                if (protocol.closesGracefully()) {
                    conn.finish(drain, n -> protocol.received(buf, n));
                } else {
                    conn.close();
                }
            }
            protocol.closed();
        } finally {
            onDone.run(); // the client's slot is given back whatever happened
        }
    }

    private void serve() throws IOException {
        buf = ByteBuffer.allocateDirect(FIRST_CAPACITY).flip();
        Step step = protocol.next(buf);
        while (step != Step.CLOSE) {
            if (step == Step.READ) {
                int n = readMore();
                step = n < 0 ? protocol.endOfInput(buf) : protocol.received(buf, n);
            } else {
                write();
                step = protocol.sent(buf) ? protocol.next(buf) : Step.CLOSE;
            }
        }
    }

    /** The reply the protocol offers: its own buffer, or the first bytes of what arrived (the echo's). */
    private void write() throws IOException {
        ByteBuffer reply = protocol.separateReply();
        if (reply != null) {
            int size = reply.remaining();
            conn.writeAll(reply);
            protocol.wrote(size);
            return;
        }
        int received = buf.limit();
        int size = protocol.inPlaceBytes();
        buf.limit(buf.position() + size);
        try {
            conn.writeAll(buf);
        } finally {
            buf.limit(received);
        }
        protocol.wrote(size); // one send_exact: every write call of it together
    }

    /**
     * Reads once more after the bytes held, making room first: pending bytes move to the front, into a buffer
     * twice as big once this one is full (up to the largest message). Returns what the read returned.
     */
    private int readMore() throws IOException {
        if (buf.limit() == buf.capacity()) {
            if (buf.position() == 0) {
                int bigger = Math.min(2 * buf.capacity(), FrameCodec.MAX_FRAME_WITH_HEADER_BYTES);
                buf = ByteBuffer.allocateDirect(bigger).put(buf).flip();
            } else {
                buf.compact().flip();
            }
        }
        int start = buf.position();
        int end = buf.limit();
        buf.limit(buf.capacity()).position(end);
        try {
            return conn.readSome(buf);
        } finally {
            buf.limit(buf.position()).position(start);
        }
    }
}
