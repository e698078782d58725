package dev.trustctl.threads;

import dev.trustctl.server.Admission;
import dev.trustctl.server.Engine;
import dev.trustctl.server.HeldBytesExceededException;
import dev.trustctl.errors.ErrorMap;
import dev.trustctl.proto.Protocol;
import dev.trustctl.proto.Protocol.Step;
import dev.trustctl.wire.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Serves one client on its own thread until it leaves, as the textbook does: recv_exact what the protocol needs
 * next (the header, then the payload), hand it over, send_exact the reply it gives, repeat. What the bytes mean
 * is the connection's {@link Protocol}'s: it says how many bytes it needs and what to write. Any failure closes
 * this connection only, logged; a fatal one (see {@link ErrorMap#endsTheServer}) then ends the server.
 */
final class BlockingSession implements Runnable {
    private static final int FIRST_CAPACITY = 4096;

    private final Connection conn;
    private final Admission.Admitted admitted;
    private final Protocol.Factory protocols;
    private final Protocol.Context context;
    private final Duration drain;
    private final Engine.Fatal fatal;
    private Protocol protocol;
    private ByteBuffer buf; // bytes received and not yet answered: [position, limit)

    BlockingSession(Connection conn, Admission.Admitted admitted, Protocol.Factory protocols,
            Protocol.Context context, Duration drain, Engine.Fatal fatal) {
        this.conn = conn;
        this.admitted = admitted;
        this.protocols = protocols;
        this.context = context;
        this.drain = drain;
        this.fatal = fatal;
    }

    /** Serves until the protocol closes or anything fails; closes, logs the close, gives the slot back. */
    @Override
    public void run() {
        Throwable failure = null;
        try {
            protocol = protocols.open(context);
            protocol.open();
            serve();
        } catch (IOException e) {
            if (conn.isClosedLocally()) {
                protocol.stopNow(); // the server closed it: a stop's linger or its grace ran out
            } else {
                protocol.failed(e);
            }
        } catch (RuntimeException | Error e) {
            // A bug, a handler's failure, no memory for this client's buffer: this connection ends, the server goes on.
            failure = e;
            if (protocol != null) {
                protocol.failed(e);
            } else { // no protocol to tell: logged as one that failed at once
                admitted.events().opened();
                admitted.events().closed(admitted.events().failed(e));
            }
        } finally {
            close();
        }
        if (failure != null && ErrorMap.endsTheServer(failure)) {
            fatal.died(Thread.currentThread().getName(), failure);
        }
    }

    private void close() {
        try {
            if (protocol != null && protocol.closesGracefully()) {
                conn.finish(drain, n -> protocol.received(buf, n));
            } else {
                conn.close();
            }
            if (protocol != null) {
                protocol.closed();
            }
        } finally {
            if (buf != null) {
                admitted.held().give(buf.capacity());
            }
            admitted.done().run(); // the client's slot is given back whatever happened
        }
    }

    private void serve() throws IOException {
        ByteBuffer first = ByteBuffer.allocateDirect(FIRST_CAPACITY);
        admitted.held().take(FIRST_CAPACITY); // counted only once it exists: a failed allocation holds nothing
        buf = first.flip();
        Step step = protocol.next(buf);
        while (step != Step.CLOSE) {
            if (step == Step.WRITE) {
                sendExact();
                step = protocol.sent(buf) ? protocol.next(buf) : Step.CLOSE;
                continue;
            }
            int wanted = protocol.needed(buf); // the header's rest, the payload, or (0) whatever is there
            int got = recvExact(wanted);
            if (got > 0) {
                step = protocol.received(buf, got);
            }
            boolean peerClosed = wanted > 0 ? got < wanted : got < 0;
            if (peerClosed && step == Step.READ) {
                step = protocol.endOfInput(buf);
            }
        }
    }

    /** The reply the protocol offers: its own buffer, or the first bytes of what arrived (the echo's). */
    private void sendExact() throws IOException {
        int received = buf.limit();
        int inPlace = protocol.inPlaceBytes();
        ByteBuffer reply = inPlace > 0 ? buf.limit(buf.position() + inPlace) : protocol.reply();
        int size = reply.remaining();
        try {
            conn.sendExact(reply);
        } finally {
            buf.limit(received);
        }
        protocol.wrote(size);
    }

    /**
     * recv_exact of {@code wanted} more bytes after those held, or (0) one read of whatever has arrived, a raw
     * stream's chunk; returns how many came (fewer, or -1: the peer closed). If it fails midway (a deadline, a
     * reset), the bytes that did come are still handed over first: counted.
     */
    private int recvExact(int wanted) throws IOException {
        roomFor(Math.max(wanted, 1));
        int start = buf.position();
        int end = buf.limit();
        buf.limit(wanted > 0 ? end + wanted : buf.capacity()).position(end);
        int got;
        try {
            got = wanted > 0 ? conn.recvExact(buf) : conn.read(buf);
        } catch (IOException e) {
            buf.limit(buf.position()).position(start);
            if (buf.limit() > end) {
                protocol.received(buf, buf.limit() - end);
            }
            throw e;
        }
        buf.limit(buf.position()).position(start);
        return got;
    }

    /**
     * Room for {@code wanted} more bytes after the ones held: pending bytes move to the front, into a bigger buffer
     * if they must (up to the largest message the protocol needs whole).
     */
    private void roomFor(int wanted) throws HeldBytesExceededException {
        if (buf.capacity() - buf.limit() >= wanted) {
            return;
        }
        int needed = buf.remaining() + wanted;
        if (needed > Protocol.MAX_HELD_BYTES) {
            // As the event loop: a protocol that holds more than a largest frame and asks for more is at fault.
            throw new IllegalStateException("the protocol asks to read " + wanted + " more bytes while holding "
                    + buf.remaining() + ", over Protocol.MAX_HELD_BYTES");
        }
        if (needed <= buf.capacity()) {
            buf.compact().flip();
            return;
        }
        int bigger = Math.max(needed, Math.min(2 * buf.capacity(), Protocol.MAX_HELD_BYTES));
        ByteBuffer grown = ByteBuffer.allocateDirect(bigger);
        admitted.held().take(bigger - buf.capacity());
        buf = grown.put(buf).flip();
    }
}
