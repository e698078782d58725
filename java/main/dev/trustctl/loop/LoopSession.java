package dev.trustctl.loop;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.proto.Phase;
import dev.trustctl.proto.PhaseTimer;
import dev.trustctl.proto.Protocol;
import dev.trustctl.proto.Protocol.Step;
import dev.trustctl.server.Admission;
import dev.trustctl.server.HeldBytes;
import dev.trustctl.server.HeldBytesExceededException;
import dev.trustctl.wire.Closing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One non-blocking client of an {@link EventLoop}: moves its bytes as the socket allows and lets its
 * {@link Protocol} decide what they mean. recv_exact becomes "keep the bytes of an unfinished message
 * until it is whole"; send_exact becomes "write what the socket takes, then wait for OP_WRITE for the rest",
 * and while a reply is owed the connection stops reading. Between messages it holds no buffer at all: reads
 * land in the loop's buffer, and only what is left over is kept, in a pooled buffer sized by what arrived.
 */
final class LoopSession implements PhaseTimer {
    /**
     * Reply bytes, and replies, one connection may send in one pass before the loop's other clients get their
     * turn: a read of 64 KiB of empty frames is 16 384 replies, and each costs its log and counters.
     */
    static final int PASS_BYTES = 64 * 1024;
    static final int PASS_REPLIES = 1024;
    /** What {@link #onReady} is given when the connection's turn comes back after it used up its share of a pass. */
    static final int RESUME = 0;
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final EventLoop loop;
    private final ByteChannel channel;
    private final Protocol protocol;
    private final Admission.Admitted admitted;
    private final HeldBytes held;
    SelectionKey key;             // set once registered: its interest is what this connection waits for
    private ByteBuffer inbox;     // bytes kept between events, [position, limit); null when there are none
    private int owedInPlace;      // while writing: this many bytes at the front of the input are still to go
    private ByteBuffer owedReply; // while writing: the protocol's own reply, still to go
    private boolean finishing;    // closing gracefully: output shut down, input dropped until the peer closes
    private boolean closed;

    // Kept by the DeadlineList this connection is on.
    long deadline;
    LoopSession prev;
    LoopSession next;
    DeadlineList list;

    LoopSession(EventLoop loop, ByteChannel channel, Admission.Admitted admitted, Protocol.Factory protocols) {
        this.loop = loop;
        this.channel = channel;
        this.admitted = admitted;
        this.held = admitted.held();
        this.protocol = protocols.open(admitted.context(this, () -> loop.stopping, loop.phases.nanos / 1_000_000));
    }

    /** Accepted: logged, and its idle deadline (or, at a stop, its linger) runs. */
    void open() {
        protocol.open();
        if (loop.stopping) {
            loop.renew(this, loop.lingering);
        }
    }

    /**
     * The protocol starts a phase: its deadline runs from now. A reply's WRITE deadline is armed only if the
     * socket does not take the reply at once (the usual case costs no timer work at all); it then runs from
     * that first write, a few microseconds after the reply began.
     */
    @Override
    public void start(Phase phase) {
        if (phase != Phase.WRITE) {
            loop.renew(this, loop.phases);
        }
    }

    /** Between messages, with nothing held and nothing owed (the protocol's word: it knows). */
    boolean isIdle() {
        return protocol.isIdle();
    }

    /** The capacity of the buffer this connection keeps bytes in, 0 when it keeps none. */
    int heldCapacity() {
        return inbox == null ? 0 : inbox.capacity();
    }

    /** The socket is ready ({@code ops}), or its turn came back ({@link #RESUME}); a failure closes this client only. */
    void onReady(int ops) {
        try {
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                onWritable();
            } else if ((ops & SelectionKey.OP_READ) != 0) {
                onReadable();
            } else if (!closed) {
                serve(protocol.next(inbox), inbox);
            }
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
        }
    }

    void onReadable() throws IOException {
        ByteBuffer in = finishing ? loop.readBuffer.clear() : roomToRead();
        int n = channel.read(in);
        in.flip();
        if (n > 0 && finishing) {
            protocol.received(in, n); // closing gracefully: counted in bytes_in, never answered
        } else if (n != 0) {
            serve(n < 0 ? protocol.endOfInput(in) : protocol.received(in, n), in);
        }
    }

    void onWritable() throws IOException {
        ByteBuffer in = inbox == null ? NOTHING : inbox;
        if (writeOwed(in)) {
            serve(protocol.sent(in) ? protocol.next(in) : Step.CLOSE, in);
        }
    }

    /** Where the next read lands: after the bytes kept (grown a step when they fill their buffer), or the loop's. */
    private ByteBuffer roomToRead() throws HeldBytesExceededException {
        if (inbox == null) {
            return loop.readBuffer.clear();
        }
        ByteBuffer in = inbox.compact();
        if (!in.hasRemaining()) {
            if (in.capacity() >= BufferPool.LARGE) {
                // A whole message always fits, and a whole one is answered before the next read.
                throw new IllegalStateException("the protocol asks to read more while holding "
                        + in.remaining() + " bytes, over Protocol.MAX_HELD_BYTES");
            }
            // The unfinished message fills its buffer: it is bigger, so it moves one step up.
            int grown = BufferPool.stepFor(in.capacity() + 1);
            held.take(grown - in.capacity());
            inbox = loop.pool.take(grown).put(in.flip());
            loop.pool.give(in);
        }
        return inbox;
    }

    /**
     * Does what the protocol says, for as long as this connection's share of the pass lasts: replies go out
     * (a partial one waits for OP_WRITE), a wait for more bytes keeps what is left over, a close closes.
     */
    private void serve(Step first, ByteBuffer in) throws IOException {
        Step step = first;
        int budget = PASS_BYTES;
        int replies = PASS_REPLIES;
        while (step == Step.WRITE) {
            owedInPlace = protocol.inPlaceBytes();
            owedReply = protocol.reply();
            budget -= owedReply == null ? owedInPlace : owedReply.remaining();
            replies -= protocol.repliesOffered();
            if (!writeOwed(in)) {
                keep(in);
                loop.renew(this, loop.phases); // the WRITE phase's deadline: the peer must take the rest within it
                want(SelectionKey.OP_WRITE);
                return;
            }
            if (!protocol.sent(in)) {
                step = Step.CLOSE;
            } else if ((budget <= 0 || replies <= 0) && in.hasRemaining()) {
                keep(in);
                want(0);
                loop.later(this); // more is waiting, but the others on this loop go first
                return;
            } else {
                step = protocol.next(in);
            }
        }
        if (step == Step.READ) {
            keep(in);
            want(SelectionKey.OP_READ);
        } else {
            end();
        }
    }

    /** Writes what is owed, as much as the socket takes now; true once all of it is gone. */
    private boolean writeOwed(ByteBuffer in) throws IOException {
        if (owedReply != null) {
            protocol.wrote(channel.write(owedReply));
            return !owedReply.hasRemaining();
        }
        int received = in.limit();
        protocol.wrote(channel.write(in.limit(in.position() + owedInPlace)));
        owedInPlace = in.remaining();
        in.limit(received);
        return owedInPlace == 0;
    }

    /** Makes sure {@code in}'s remaining bytes live in this connection's own buffer (none if there are none). */
    private void keep(ByteBuffer in) throws HeldBytesExceededException {
        int size = in.remaining();
        if (in == inbox || in == NOTHING) {
            if (inbox != null && size == 0) {
                release();
            }
        } else if (size > BufferPool.LARGEST_HEAP) {
            held.take(BufferPool.LARGE);
            inbox = loop.takeReadBuffer(); // much of a large message: the buffer it arrived in becomes its own
        } else if (size > 0) {
            held.take(BufferPool.stepFor(size));
            inbox = loop.pool.take(size).put(in).flip();
        }
    }

    private void want(int ops) {
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    private void release() {
        if (inbox != null) {
            held.give(inbox.capacity());
            loop.pool.give(inbox);
            inbox = null;
        }
    }

    /** The protocol closes: gracefully (FIN, drop the input until the peer closes or the drain ends) or at once. */
    private void end() {
        if (protocol.closesGracefully() && !finishing && channel instanceof SocketChannel socket) {
            try {
                socket.shutdownOutput();
                release(); // what is still unanswered is dropped
                finishing = true;
                want(SelectionKey.OP_READ);
                loop.renew(this, loop.draining);
                return;
            } catch (IOException e) {
                // the peer has gone already: nothing to drain
            }
        }
        close();
    }

    /** A wait ran out: the phase's deadline (a timeout), a stop's linger, or the drain of a graceful close. */
    void expire(DeadlineList from) {
        if (from == loop.lingering) {
            protocol.stopNow();
        } else {
            protocol.expired(); // logs the timeout; nothing once closing (the drain)
        }
        close();
    }

    /** Reading or writing failed, or the protocol threw: this client only; the error map says what it was. */
    void fail(Throwable e) {
        protocol.failed(e); // nothing more is logged once the connection is closing or closed
        close();
        ErrorMap.rethrowIfFatal(e);
    }

    /** The server closes it now, whatever it is doing. */
    void stopNow() {
        protocol.stopNow();
        close();
    }

    /** Closes the socket, gives back the buffer, logs conn_close and frees the client's slot. Once. */
    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (list != null) {
            list.remove(this);
        }
        release();
        key.cancel();
        Closing.quietly(channel);
        try {
            protocol.closed();
        } finally {
            admitted.done().run();
        }
    }
}
