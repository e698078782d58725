package dev.trustctl.echo.loop;

import dev.trustctl.echo.ConnectionEvents;
import dev.trustctl.wire.Closing;
import dev.trustctl.wire.DeadlineExceededException;
import dev.trustctl.wire.FrameDecoder;
import dev.trustctl.wire.Phase;
import dev.trustctl.wire.TruncatedFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One non-blocking client of an {@link EventLoop}, served as bytes come and go. recv_exact becomes "keep the
 * bytes of an unfinished frame until it is whole"; send_exact becomes "write what the socket takes, then wait
 * for OP_WRITE for the rest", and while an echo is unsent the connection stops reading, so it never holds more
 * than one read's worth. Between frames it holds no buffer at all: reads land in the loop's buffer, and only
 * what is left over (an unfinished frame, an unsent echo) is copied into a pooled one, given back when done.
 */
final class LoopConnection {
    private final EventLoop loop;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final ConnectionEvents events;
    private final Runnable done;
    private final FrameDecoder decoder = new FrameDecoder();
    private ByteBuffer inbox;  // bytes kept between events, [position, limit); null when there are none
    private int writeEnd;      // while echoing: inbox[position, writeEnd) is still to be sent
    private int echoing;       // the size of the message being sent, 0 when none is
    private boolean announcedRaw;
    private boolean closed;
    private Phase phase = Phase.IDLE;

    // Kept by the DeadlineList this connection is on.
    long deadline;
    LoopConnection prev;
    LoopConnection next;
    DeadlineList list;

    LoopConnection(EventLoop loop, SocketChannel channel, SelectionKey key, ConnectionEvents events, Runnable done) {
        this.loop = loop;
        this.channel = channel;
        this.key = key;
        this.events = events;
        this.done = done;
    }

    /** Between messages, with nothing held and nothing owed. */
    boolean isIdle() {
        return phase == Phase.IDLE && inbox == null && echoing == 0;
    }

    Phase phase() {
        return phase;
    }

    void onReadable() throws IOException {
        ByteBuffer in;
        if (inbox == null) {
            in = loop.readBuffer().clear();
        } else {
            in = inbox.compact();
            if (!in.hasRemaining()) {
                // The unfinished frame fills the small buffer: it is bigger, so it moves to a large one.
                inbox = loop.pool().take(BufferPool.LARGE).put(in.flip());
                loop.pool().give(in);
                in = inbox;
            }
        }
        int n = channel.read(in);
        in.flip();
        if (n < 0) {
            endOfStream(in);
            return;
        }
        if (n == 0) {
            return;
        }
        events.received(n);
        if (phase == Phase.IDLE) {
            start(Phase.FRAME);
        }
        process(in);
    }

    void onWritable() throws IOException {
        ByteBuffer out = inbox;
        int received = out.limit();
        out.limit(writeEnd);
        channel.write(out);
        out.limit(received);
        if (out.position() < writeEnd) {
            return; // still owed: the write deadline set when it began keeps running
        }
        key.interestOps(SelectionKey.OP_READ);
        int size = echoing;
        echoing = 0;
        if (echoed(size, out.hasRemaining())) {
            process(out);
        }
    }

    /** Echoes every whole message in {@code in}, then keeps what is left (and what could not be sent yet). */
    private void process(ByteBuffer in) throws IOException {
        while (true) {
            int size = decoder.next(in);
            if (decoder.isRaw() && !announcedRaw) {
                announcedRaw = true;
                events.becameRaw();
            }
            if (size == 0) {
                break;
            }
            int end = in.position() + size;
            int received = in.limit();
            in.limit(end);
            channel.write(in);
            in.limit(received);
            if (in.position() < end) {
                int owed = end - in.position();
                keep(in, in.remaining());
                writeEnd = inbox.position() + owed;
                echoing = size;
                start(Phase.WRITE);
                key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
            if (!echoed(size, in.hasRemaining())) {
                return;
            }
        }
        if (in.hasRemaining()) {
            keep(in, in.remaining()); // what has arrived, not what the header announces: it grows as bytes come
        } else {
            release();
        }
    }

    /** A whole message went out: logs it, then closes (the server is stopping) or awaits the next one. */
    private boolean echoed(int size, boolean moreBuffered) {
        events.echoed(size, decoder.isRaw());
        if (loop.stopping()) {
            close("server_stop");
            return false;
        }
        // Bytes of the next message already here have begun it: its deadline runs from now.
        start(moreBuffered ? Phase.FRAME : Phase.IDLE);
        return true;
    }

    /** Makes sure {@code in}'s remaining bytes live in this connection's own buffer of at least {@code size}. */
    private void keep(ByteBuffer in, int size) {
        if (in == inbox) {
            return;
        }
        if (size > BufferPool.SMALL) {
            inbox = loop.takeReadBuffer(); // much of a large frame: the buffer it arrived in becomes the connection's
        } else {
            inbox = loop.pool().take(size).put(in).flip();
        }
    }

    private void release() {
        if (inbox != null) {
            loop.pool().give(inbox);
            inbox = null;
        }
    }

    private void endOfStream(ByteBuffer pending) {
        TruncatedFrameException truncated = decoder.truncation(pending);
        if (truncated != null) {
            fail(truncated);
        } else {
            close("peer_closed");
        }
    }

    private void start(Phase next) {
        phase = next;
        loop.renewDeadline(this);
    }

    /** The deadline passed: a lingering connection at a stop is closed by the server, any other timed out. */
    void expire(boolean lingering) {
        if (lingering) {
            close("server_stop");
        } else {
            fail(new DeadlineExceededException(phase, loop.timeoutMillis()));
        }
    }

    void fail(Throwable e) {
        if (!closed) {
            close(events.failed(e));
        }
    }

    /** Closes the socket, gives back the buffer, logs conn_close and frees the client's slot. Once. */
    void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        loop.forget(this);
        release();
        key.cancel();
        Closing.quietly(channel);
        try {
            events.closed(reason);
        } finally {
            done.run();
        }
    }
}
