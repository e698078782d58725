package dev.trustctl.echo.threads;

import dev.trustctl.echo.ConnectionEvents;
import dev.trustctl.wire.Connection;
import dev.trustctl.wire.FrameDecoder;
import dev.trustctl.wire.Phase;
import dev.trustctl.wire.TruncatedFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * Serves one client on its own thread until it leaves: reads what the client sends, echoes every whole message
 * the shared {@link FrameDecoder} finds in it with one blocking send_exact, repeats. Any error closes this
 * connection only and is logged through {@link ConnectionEvents}.
 */
final class EchoSession implements Runnable {
    private static final int FIRST_CAPACITY = 4096;

    private final Connection conn;
    private final ConnectionEvents events;
    private final BooleanSupplier stopping;
    private final Runnable onDone;
    private final FrameDecoder decoder = new FrameDecoder();
    private ByteBuffer buf; // bytes received and not yet echoed: [position, limit)

    EchoSession(Connection conn, ConnectionEvents events, BooleanSupplier stopping, Runnable onDone) {
        this.conn = conn;
        this.events = events;
        this.stopping = stopping;
        this.onDone = onDone;
    }

    @Override
    public void run() {
        try {
            events.opened();
            String reason;
            try {
                reason = serve();
            } catch (IOException e) {
                reason = conn.isClosedLocally() ? "server_stop" : events.failed(e);
            } catch (RuntimeException | OutOfMemoryError e) {
                // A bug, or no memory left for this client's buffer: this connection ends, the server goes on.
                reason = events.failed(e);
            } finally {
                conn.close();
            }
            events.closed(reason);
        } finally {
            onDone.run(); // the client's slot is given back whatever happened
        }
    }

    private String serve() throws IOException {
        buf = ByteBuffer.allocateDirect(FIRST_CAPACITY).flip();
        boolean announcedRaw = false;
        while (true) {
            int size = decoder.next(buf);
            if (decoder.isRaw() && !announcedRaw) {
                events.becameRaw();
                announcedRaw = true;
            }
            if (size == 0) {
                if (readMore() < 0) {
                    TruncatedFrameException truncated = decoder.truncation(buf);
                    if (truncated != null) {
                        throw truncated;
                    }
                    return "peer_closed";
                }
                continue;
            }
            int end = buf.position() + size;
            int received = buf.limit();
            buf.limit(end);
            // What is already buffered after this message has begun the next one: its deadline runs from now.
            conn.writeFully(buf, received > end ? Phase.FRAME : Phase.IDLE);
            buf.limit(received);
            events.echoed(size, decoder.isRaw());
            if (stopping.getAsBoolean()) {
                return "server_stop";
            }
        }
    }

    /**
     * Reads once more after the bytes held, making room first: pending bytes move to the front, into a buffer
     * for the largest frame once the small one is full. Returns what the read returned.
     */
    private int readMore() throws IOException {
        if (buf.limit() == buf.capacity()) {
            if (buf.position() == 0) {
                buf = ByteBuffer.allocateDirect(FrameDecoder.MAX_FRAME).put(buf).flip();
            } else {
                buf.compact().flip();
            }
        }
        int start = buf.position();
        int end = buf.limit();
        buf.limit(buf.capacity()).position(end);
        int n;
        try {
            n = conn.readSome(buf);
        } finally {
            buf.limit(buf.position()).position(start);
        }
        if (n > 0) {
            events.received(n);
        }
        return n;
    }
}
