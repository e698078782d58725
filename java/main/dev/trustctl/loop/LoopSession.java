package dev.trustctl.loop;

import dev.trustctl.server.Admission;
import dev.trustctl.server.HeldBytes;
import dev.trustctl.server.HeldBytesExceededException;
import dev.trustctl.proto.PhaseTimer;
import dev.trustctl.proto.Protocol;
import dev.trustctl.proto.Protocol.Step;
import dev.trustctl.wire.Closing;
import dev.trustctl.proto.Phase;
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
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    /** What the loop's selector knows of this connection: its interest, and its end. A SelectionKey, or a fake. */
    interface Registration {
        void interest(int ops);

        void cancel();
    }

    private final EventLoop loop;
    private final ByteChannel channel;
    private final Registration key;
    private final Protocol protocol;
    private final Runnable done;
    private final HeldBytes held;
    private ByteBuffer inbox;     // bytes kept between events, [position, limit); null when there are none
    private int owedInPlace;      // while writing: this many bytes at the front of the input are still to go
    private ByteBuffer owedReply; // while writing: the handler's own reply, still to go
    private boolean finishing;    // closing gracefully: output shut down, input dropped until the peer closes
    private int interest = SelectionKey.OP_READ; // as last told to the selector (registered for reading)
    private boolean closed;

    // Kept by the DeadlineList this connection is on.
    long deadline;
    LoopSession prev;
    LoopSession next;
    DeadlineList list;

    LoopSession(EventLoop loop, ByteChannel channel, Registration key, Admission.Admitted admitted,
            Protocol.Factory protocols) {
        this.loop = loop;
        this.channel = channel;
        this.key = key;
        this.done = admitted.done();
        this.held = admitted.held();
        this.protocol = protocols.open(admitted.context(this, loop::stopping, loop.timeoutMillis()));
    }

    /** Accepted: logged, and its idle deadline (or, at a stop, its linger) runs. */
    void open() {
        protocol.open();
        if (loop.stopping()) {
            loop.linger(this);
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
            loop.renewDeadline(this);
        }
    }

    private void interest(int ops) {
        if (ops != interest) {
            interest = ops;
            key.interest(ops);
        }
    }

    /** Between messages, with nothing held and nothing owed. */
    boolean isIdle() {
        return protocol.isIdle() && inbox == null && !finishing && !closed;
    }

    boolean isClosed() {
        return closed;
    }

    /** The capacity of the buffer this connection keeps bytes in, 0 when it keeps none. */
    int heldCapacity() {
        return inbox == null ? 0 : inbox.capacity();
    }

    void onReadable() throws IOException {
        if (finishing) {
            dropInput();
            return;
        }
        ByteBuffer in = roomToRead();
        int n = channel.read(in);
        in.flip();
        if (n < 0) {
            serve(protocol.endOfInput(in), in);
        } else if (n > 0) {
            serve(protocol.received(in, n), in);
        }
    }

    void onWritable() throws IOException {
        ByteBuffer in = inbox == null ? NOTHING : inbox;
        if (writeOwed(in)) {
            serve(afterWrite(in, true), in);
        }
    }

    /** The loop's turn came back after this connection used up its share of a pass. */
    void resume() throws IOException {
        serve(protocol.next(inbox), inbox);
    }

    /** Where the next read lands: after the bytes kept (grown a step when they fill their buffer), or the loop's. */
    private ByteBuffer roomToRead() throws HeldBytesExceededException {
        if (inbox == null) {
            return loop.readBuffer().clear();
        }
        ByteBuffer in = inbox.compact();
        if (!in.hasRemaining()) {
            if (in.capacity() >= BufferPool.LARGE) {
                // A whole message always fits, and a whole one is answered before the next read.
                throw new IllegalStateException("the protocol asks to read more while holding "
                        + in.remaining() + " bytes, over Protocol.MAX_HELD_BYTES");
            }
            // The unfinished message fills its buffer: it is bigger, so it moves one step up.
            int grown = BufferPool.grownFrom(in.capacity());
            held.take(grown - in.capacity());
            ByteBuffer bigger = loop.pool().take(grown).put(in.flip());
            loop.pool().give(in);
            inbox = bigger;
            in = bigger;
        }
        return in;
    }

    /**
     * Does what the protocol says, for as long as this connection's share of the pass lasts: replies go out
     * (a partial one waits for OP_WRITE), a wait for more bytes keeps what is left over, a close closes.
     */
    private void serve(Step first, ByteBuffer in) throws HeldBytesExceededException {
        Step step = first;
        int budget = PASS_BYTES;
        int replies = PASS_REPLIES;
        while (true) {
            if (step == Step.READ) {
                keep(in);
                interest(SelectionKey.OP_READ);
                return;
            }
            if (step == Step.CLOSE) {
                end();
                return;
            }
            owedInPlace = protocol.inPlaceBytes();
            owedReply = protocol.reply();
            budget -= owedReply == null ? owedInPlace : owedReply.remaining();
            replies -= protocol.repliesOffered();
            boolean whole;
            try {
                whole = writeOwed(in);
            } catch (IOException e) {
                protocol.failed(e);
                end();
                return;
            }
            if (!whole) {
                keep(in);
                loop.renewDeadline(this); // the WRITE phase's deadline: the peer must take the rest within it
                interest(SelectionKey.OP_WRITE);
                return;
            }
            step = afterWrite(in, budget > 0 && replies > 0);
            if (step == null) {
                keep(in);
                interest(0);
                loop.later(this); // more is waiting, but the others on this loop go first
                return;
            }
        }
    }

    /** The reply went out whole: what next, or null if what is left must wait for the next pass. */
    private Step afterWrite(ByteBuffer in, boolean budgetLeft) {
        owedReply = null;
        if (!protocol.sent(in)) {
            return Step.CLOSE;
        }
        if (!budgetLeft && in.hasRemaining()) {
            return null;
        }
        return protocol.next(in);
    }

    /** Writes what is owed, as much as the socket takes now; true once all of it is gone. */
    private boolean writeOwed(ByteBuffer in) throws IOException {
        if (owedReply != null) {
            protocol.wrote(channel.write(owedReply));
            return !owedReply.hasRemaining();
        }
        int end = in.position() + owedInPlace;
        int received = in.limit();
        in.limit(end);
        try {
            protocol.wrote(channel.write(in));
        } finally {
            in.limit(received);
        }
        owedInPlace = end - in.position();
        return owedInPlace == 0;
    }

    /** Makes sure {@code in}'s remaining bytes live in this connection's own buffer (none if there are none). */
    private void keep(ByteBuffer in) throws HeldBytesExceededException {
        if (in == inbox || in == NOTHING) {
            if (inbox != null && !inbox.hasRemaining()) {
                release();
            }
            return;
        }
        int size = in.remaining();
        if (size == 0) {
            return;
        }
        if (size > BufferPool.LARGEST_HEAP) {
            held.take(BufferPool.LARGE);
            inbox = loop.takeReadBuffer(); // much of a large message: the buffer it arrived in becomes its own
        } else {
            held.take(BufferPool.stepFor(size));
            inbox = loop.pool().take(size).put(in).flip();
        }
    }

    private void release() {
        if (inbox != null) {
            held.give(inbox.capacity());
            loop.pool().give(inbox);
            inbox = null;
        }
    }

    /** The protocol closes: gracefully (FIN, drop the input until the peer closes or the drain ends) or at once. */
    private void end() {
        if (!protocol.closesGracefully() || finishing || !(channel instanceof SocketChannel socket)) {
            close();
            return;
        }
        release(); // what is still unanswered is dropped
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            close();
            return;
        }
        finishing = true;
        interest(SelectionKey.OP_READ);
        loop.drain(this);
    }

    private void dropInput() throws IOException {
        ByteBuffer sink = loop.readBuffer().clear();
        int n = channel.read(sink);
        if (n < 0) {
            close();
        } else if (n > 0) {
            protocol.received(sink, n); // counted in bytes_in, never answered
        }
    }

    /** A wait ran out: the phase's deadline (a timeout), a stop's linger, or the drain before a graceful close. */
    void expire(DeadlineList.Kind kind) {
        if (closed) {
            return;
        }
        if (kind == DeadlineList.Kind.PHASE && !finishing) {
            protocol.expired();
        } else if (kind == DeadlineList.Kind.LINGER) {
            protocol.stopNow();
        }
        close();
    }

    /** Reading or writing failed: this client only; the error map says what it was. */
    void fail(Throwable e) {
        if (!closed) {
            protocol.failed(e);
            close();
        }
    }

    /** The server closes it now, whatever it is doing. */
    void stopNow() {
        if (!closed) {
            protocol.stopNow();
            close();
        }
    }

    /** Closes the socket, gives back the buffer, logs conn_close and frees the client's slot. Once. */
    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.forget(this);
        release();
        key.cancel();
        Closing.quietly(channel);
        try {
            protocol.closed();
        } finally {
            done.run();
        }
    }
}
