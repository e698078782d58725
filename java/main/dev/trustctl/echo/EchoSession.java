package dev.trustctl.echo;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.wire.Connection;
import dev.trustctl.wire.DeadlineExceededException;
import dev.trustctl.wire.FrameCodec;
import dev.trustctl.wire.FrameTooLargeException;
import dev.trustctl.wire.TruncatedFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Serves one client until it leaves: reads a frame, echoes it whole, repeats. A connection whose first byte
 * begins text cannot be speaking frames ({@link FrameCodec#startsText}), so it is a raw byte stream and is
 * echoed as bytes arrive. Any error closes this connection only and is logged through the {@link ErrorMap}.
 */
final class EchoSession implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("echo");
    private static final int HEADER = FrameCodec.HEADER_BYTES;
    private static final int FIRST_CAPACITY = HEADER + 4096;

    private final long id;
    private final String peer;
    private final Connection conn;
    private final String requestPrefix;
    private final ServerStats stats;
    private final BooleanSupplier stopping;
    private final Runnable onDone;
    private ByteBuffer buf; // what the client sent; the frame being echoed starts at {@code start}
    private int start;
    private long frames;
    private long bytesIn;
    private long bytesOut;

    EchoSession(long id, String peer, Connection conn, String runId, ServerStats stats, BooleanSupplier stopping,
                Runnable onDone) {
        this.id = id;
        this.peer = peer;
        this.conn = conn;
        this.requestPrefix = runId + "-" + id + "-";
        this.stats = stats;
        this.stopping = stopping;
        this.onDone = onDone;
    }

    @Override
    public void run() {
        try {
            serveAndLog();
        } finally {
            onDone.run(); // the client's slot is given back whatever happened
        }
    }

    private void serveAndLog() {
        long started = System.nanoTime();
        LOG.atInfo().setMessage("conn_open").addKeyValue("conn_id", id).addKeyValue("peer", peer).log();
        String reason;
        try {
            reason = serve();
        } catch (IOException e) {
            reason = conn.isClosedLocally() ? "server_stop" : failed(e);
        } catch (RuntimeException | OutOfMemoryError e) {
            // A bug, or no memory left for this client's buffer: this connection ends, the server goes on.
            stats.errors.increment();
            LOG.atError().setMessage("conn_error").addKeyValue("conn_id", id)
                    .addKeyValue("errno", ErrorMap.classify(e).errno()).addKeyValue("action", "close_connection")
                    .addKeyValue("error", e.toString()).log();
            reason = e instanceof OutOfMemoryError ? "no_memory" : "internal_error";
        } finally {
            conn.close();
        }
        stats.bytesIn.add(bytesIn);
        stats.bytesOut.add(bytesOut);
        LOG.atInfo().setMessage("conn_close").addKeyValue("conn_id", id).addKeyValue("reason", reason)
                .addKeyValue("frames", frames).addKeyValue("bytes_in", bytesIn).addKeyValue("bytes_out", bytesOut)
                .addKeyValue("duration_ms", (System.nanoTime() - started) / 1_000_000).log();
    }

    private String serve() throws IOException {
        buf = ByteBuffer.allocateDirect(FIRST_CAPACITY);
        if (conn.readSome(buf) < 0) {
            return "peer_closed";
        }
        if (FrameCodec.startsText(buf.get(0))) {
            return serveRaw(buf);
        }
        while (true) {
            if (!fill(HEADER)) {
                if (available() > 0) {
                    throw new TruncatedFrameException(available(), HEADER);
                }
                return "peer_closed";
            }
            int length = FrameCodec.payloadLength(buf, start, FrameCodec.MAX_PAYLOAD);
            if (!fill(HEADER + length)) {
                throw new TruncatedFrameException(available() - HEADER, length);
            }
            echoFrame(HEADER + length);
            bytesIn += HEADER + length;
            bytesOut += HEADER + length;
            frames++;
            stats.frames.increment();
            LOG.atInfo().setMessage("frame_echo").addKeyValue("request_id", requestPrefix + frames)
                    .addKeyValue("conn_id", id).addKeyValue("bytes", length).log();
            if (stopping.getAsBoolean()) {
                return "server_stop";
            }
        }
    }

    /** Bytes received and not yet echoed: {@code buf[start, position)}. */
    private int available() {
        return buf.position() - start;
    }

    /**
     * Reads until at least {@code needed} bytes are available, taking whatever each read brings (often the
     * whole frame, or several): false at end of stream before that. Never sized from an unchecked length.
     */
    private boolean fill(int needed) throws IOException {
        while (available() < needed) {
            if (start + needed > buf.capacity()) {
                makeRoom(needed);
            }
            if (conn.readSome(buf) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Moves the pending bytes to the front, into a buffer for the largest frame if this one is too small. */
    private void makeRoom(int needed) {
        int end = buf.position();
        buf.limit(end).position(start);
        if (needed > buf.capacity()) {
            buf = ByteBuffer.allocateDirect(HEADER + FrameCodec.MAX_PAYLOAD).put(buf);
        } else {
            buf.compact();
        }
        start = 0;
    }

    /** Writes the {@code size} bytes at {@code start} back whole, then consumes them. */
    private void echoFrame(int size) throws IOException {
        int end = buf.position();
        buf.limit(start + size).position(start);
        conn.writeFully(buf);
        buf.limit(buf.capacity()).position(end);
        start += size;
        if (start == end) {
            buf.clear();
            start = 0;
        }
    }

    private String serveRaw(ByteBuffer buf) throws IOException {
        LOG.atInfo().setMessage("conn_mode").addKeyValue("conn_id", id).addKeyValue("mode", "raw").log();
        do {
            buf.flip();
            int n = buf.remaining();
            bytesIn += n;
            conn.writeFully(buf);
            bytesOut += n;
            LOG.atInfo().setMessage("raw_echo").addKeyValue("conn_id", id).addKeyValue("bytes", n).log();
            if (stopping.getAsBoolean()) {
                return "server_stop";
            }
            buf.clear();
        } while (conn.readSome(buf) >= 0);
        return "peer_closed";
    }

    private String failed(IOException e) {
        ErrorMap.Row row = ErrorMap.classify(e);
        LoggingEventBuilder event = LOG.atWarn().setMessage(row.event()).addKeyValue("conn_id", id)
                .addKeyValue("errno", row.errno()).addKeyValue("action", row.action().label());
        if (e instanceof DeadlineExceededException d) {
            stats.timeouts.increment();
            event.addKeyValue("phase", d.phase().label()).addKeyValue("timeout_ms", d.timeoutMillis());
        } else {
            stats.errors.increment();
        }
        if (e instanceof FrameTooLargeException f) {
            event.addKeyValue("length", f.length()).addKeyValue("max", f.max());
        } else if (e instanceof TruncatedFrameException t) {
            event.addKeyValue("got", t.got()).addKeyValue("expected", t.expected());
        } else if (!(e instanceof DeadlineExceededException)) {
            event.addKeyValue("error", String.valueOf(e.getMessage()));
        }
        event.log();
        return row.reason();
    }
}
