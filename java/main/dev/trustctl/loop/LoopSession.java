package dev.trustctl.loop;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.proto.Phase;
import dev.trustctl.proto.PhaseTimer;
import dev.trustctl.proto.Protocol;
import dev.trustctl.proto.Protocol.Step;
import dev.trustctl.server.Admission;
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
final class LoopSession extends DeadlineList.Node implements PhaseTimer {
    /**
     * Reply bytes, and replies, one connection may send in one pass before the loop's other clients get their
     * turn: a read of 64 KiB of empty frames is 16 384 replies, and each costs its log and counters.
     */
    static final int PASS_BYTES = 64 * 1024;
    static final int PASS_REPLIES = 1024;
    /** What {@link #onReady} is given when the connection's turn comes back after it used up its share of a pass. */
    static final int RESUME = 0;

    private final EventLoop loop;
    private final ByteChannel channel;
    final Protocol protocol;
    private final Admission.Admitted admitted;
    SelectionKey key;             // set once registered: its interest is what this connection waits for
    private ByteBuffer inbox;     // bytes kept between events, [position, limit); null when there are none
    private int owedInPlace;      // while writing: this many bytes at the front of the input are still to go
    private ByteBuffer owedReply; // while writing: the protocol's own reply, still to go
    private boolean finishing;    // closing gracefully: output shut down, input dropped until the peer closes

    LoopSession(EventLoop loop, ByteChannel channel, Admission.Admitted admitted, Protocol.Factory protocols) {
        this.loop = loop;
        this.channel = channel;
        this.admitted = admitted;
        this.protocol = protocols.open(admitted.context(this, () -> loop.stopping, loop.phases.nanos / 1_000_000));
    }

    /**
     * The protocol starts a phase: its deadline runs from now. Once the server stops, an idle wait (only a client
     * accepted since can start one: the others close after their reply) lasts the stop's linger instead. A reply's
     * WRITE deadline is armed only if the socket does not take the reply at once (the usual case costs no timer
     * work at all); it then runs from that first write, a few microseconds after the reply began.
     */
    @Override
    public void start(Phase phase) {
        if (phase != Phase.WRITE) {
            loop.renew(this, phase == Phase.IDLE && loop.stopping ? loop.lingering : loop.phases);
        }
    }

    /** The socket is ready ({@code ops}), or its turn came back ({@link #RESUME}); a failure closes it only. */
    void onReady(int ops) {
        try {
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                onWritable();
            } else if ((ops & SelectionKey.OP_READ) != 0) {
                onReadable();
            } else if (key.isValid()) { // not closed since it was put off
                serve(protocol.next(inbox), inbox);
            }
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
        }
    }

    void onReadable() throws IOException {
        ByteBuffer in = roomToRead(); // closing gracefully, it keeps nothing: the loop's buffer
        int n = channel.read(in);
        in.flip();
        if (n > 0 && finishing) {
            protocol.received(in, n); // closing gracefully: counted in bytes_in, never answered
        } else if (n != 0) {
            serve(n < 0 ? protocol.endOfInput(in) : protocol.received(in, n), in);
        }
    }

    void onWritable() throws IOException {
        ByteBuffer in = inbox == null ? loop.readBuffer.clear().flip() : inbox; // none kept: an empty view
        if (writeOwed(in)) {
            serve(protocol.sent(in) ? protocol.next(in) : Step.CLOSE, in);
        }
    }

    /** Where the next read lands: after the bytes kept (grown a step when they fill their buffer), or the loop's. */
    private ByteBuffer roomToRead() throws IOException {
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
            admitted.held().take(grown - in.capacity());
            inbox = loop.pool.take(grown).put(in.flip());
            loop.pool.give(in);
        }
        return inbox;
    }

    /**
     * Does what the protocol says, for as long as this connection's share of the pass lasts: replies go out
     * (a partial one waits for OP_WRITE), a wait for more bytes keeps what is left over, a close closes.
     */
    private void serve(Step step, ByteBuffer in) throws IOException {
        int budget = PASS_BYTES;
        int replies = PASS_REPLIES;
        int waitFor = SelectionKey.OP_READ;
        while (step == Step.WRITE) {
            owedInPlace = protocol.inPlaceBytes();
            owedReply = protocol.reply();
            budget -= owedReply == null ? owedInPlace : owedReply.remaining();
            replies -= protocol.repliesOffered();
            if (!writeOwed(in)) {
                loop.renew(this, loop.phases); // the WRITE phase's deadline: the peer must take the rest within it
                waitFor = SelectionKey.OP_WRITE;
                break;
            }
            if (!protocol.sent(in)) {
                step = Step.CLOSE;
            } else if ((budget <= 0 || replies <= 0) && in.hasRemaining()) {
                loop.later.add(this); // more is waiting, but the others on this loop go first
                waitFor = 0;
                break;
            } else {
                step = protocol.next(in);
            }
        }
        if (step == Step.CLOSE) {
            end();
        } else {
            keep(in);
            want(waitFor);
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
    private void keep(ByteBuffer in) throws IOException {
        int size = in.remaining();
        if (in == inbox) {
            if (size == 0) {
                release();
            }
        } else if (size > BufferPool.LARGEST_HEAP) {
            admitted.held().take(BufferPool.LARGE);
            inbox = in; // much of a large message: the loop's buffer it arrived in becomes its own
            loop.readBuffer = loop.pool.take(BufferPool.LARGE);
        } else if (size > 0) {
            admitted.held().take(BufferPool.stepFor(size));
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
            admitted.held().give(inbox.capacity());
            loop.pool.give(inbox);
            inbox = null;
        }
    }

    /** The protocol closes: gracefully (FIN, drop the input until the peer closes or the drain ends) or at once. */
    private void end() {
        // Finishing already, this is the peer's own FIN (endOfInput says CLOSE): the drain is over.
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

    /** Closes the socket, gives back the buffer, logs conn_close and frees the client's slot. Once: its key says. */
    private void close() {
        if (!key.isValid()) {
            return;
        }
        key.cancel();
        unlink();
        release();
        Closing.quietly(channel);
        try {
            protocol.closed();
        } finally {
            admitted.done().run();
        }
    }
}
