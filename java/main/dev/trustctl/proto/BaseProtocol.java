package dev.trustctl.proto;

import java.nio.ByteBuffer;

/**
 * The part of every {@link Protocol} that does not depend on what the bytes mean: the phase each wait is in (and
 * its deadline, started on the engine's {@link PhaseTimer}), why and how the connection closes, "stop after the
 * current message" when the server stops, and the events of the connection's life. A protocol says only what
 * its bytes mean: {@link #decide} what to do with them, what it {@link #needed needs}, what a
 * {@link #replyWentOut finished reply} was, and what an {@link #endedWith end of stream} leaves.
 */
public abstract class BaseProtocol implements Protocol {
    protected final Context context;
    protected final ProtocolEvents events;
    protected final boolean traced; // asked once: every read and write is reported through events.traced
    private Phase phase = Phase.IDLE;
    private String closeReason; // non-null once closing
    private String closeAfterReply; // non-null: once the reply owed is out, close (gracefully) for this reason
    private boolean graceful;
    private boolean closedReported;

    protected BaseProtocol(Context context) {
        this.context = context;
        this.events = context.events();
        this.traced = events.traces();
    }

    /** What to do with the bytes of {@code in} now; never called once closing. */
    protected abstract Step decide(ByteBuffer in);

    /**
     * The reply offered went out whole: report it. Returns true if another reply is owed at once (the one after a
     * gathered run), false when the protocol is between replies.
     */
    protected abstract boolean replyWentOut(ByteBuffer in);

    /** The peer closed with {@code in}'s bytes unanswered (none at a clean end): the close to make. */
    protected abstract Step endedWith(ByteBuffer in);

    /** Bytes arrived (before {@link #decide}): a protocol that reads its mode from the first byte does it here. */
    protected void arrived(ByteBuffer in) {
    }

    @Override
    public void open() {
        events.opened();
        start(Phase.IDLE);
    }

    @Override
    public final Step received(ByteBuffer in, int n) {
        events.received(n);
        if (closeReason != null) {
            if (traced) {
                events.traced("read", n, "dropped while closing");
            }
            return Step.CLOSE; // draining before a graceful close: counted, never answered
        }
        if (phase == Phase.IDLE) {
            start(Phase.FRAME);
        }
        arrived(in);
        if (traced) {
            events.traced("read", n, progress(in));
        }
        return next(in);
    }

    /** Every WRITE starts the WRITE phase: the peer must take the whole reply within one timeout. */
    @Override
    public final Step next(ByteBuffer in) {
        if (closeReason != null) {
            return Step.CLOSE;
        }
        Step step = decide(in);
        if (step == Step.WRITE) {
            start(Phase.WRITE);
        }
        return step;
    }

    /** No reply of this protocol's is sent in place from the engine's buffer, unless it says otherwise. */
    @Override
    public int inPlaceBytes() {
        return 0;
    }

    /** One reply at a time, unless the protocol gathers several. */
    @Override
    public int repliesOffered() {
        return 1;
    }

    @Override
    public void wrote(int n) {
        if (traced) {
            events.traced("write", n, "reply");
        }
    }

    @Override
    public final boolean sent(ByteBuffer in) {
        return replyWentOut(in) || messageDone(in);
    }

    /**
     * The current message is done: its replies went out, or it had none. Returns false if the connection now closes
     * (its last reply was {@link #closeAfterReply}, or the server stops), else the wait for the next message starts.
     */
    protected final boolean messageDone(ByteBuffer in) {
        // The last reply is out, or the server stops: a FIN, and what still arrives is dropped.
        if (closeAfterReply != null || context.stopping().getAsBoolean()) {
            close(closeAfterReply != null ? closeAfterReply : "server_stop", true);
            return false;
        }
        // Bytes of the next message already here have begun it: its deadline runs from now.
        start(in.hasRemaining() ? Phase.FRAME : Phase.IDLE);
        return true;
    }

    @Override
    public final Step endOfInput(ByteBuffer in) {
        return closeReason != null ? Step.CLOSE : endedWith(in);
    }

    @Override
    public final Step expired() {
        return closeReason != null ? Step.CLOSE
                : fail(new DeadlineExceededException(phase, context.timeoutMillis()));
    }

    @Override
    public final Step failed(Throwable error) {
        return closeReason != null ? Step.CLOSE : fail(error);
    }

    @Override
    public final Step stopNow() {
        return closeReason != null ? Step.CLOSE : close("server_stop", false);
    }

    @Override
    public boolean isIdle() {
        return phase == Phase.IDLE && closeReason == null;
    }

    @Override
    public final boolean closesGracefully() {
        return graceful;
    }

    @Override
    public final void closed() {
        if (!closedReported) {
            closedReported = true;
            events.closed(closeReason == null ? "server_stop" : closeReason);
        }
    }

    /** Closes for {@code reason}: gracefully (replies in flight reach the peer) or at once. */
    protected final Step close(String reason, boolean gracefully) {
        closeReason = reason;
        graceful = gracefully;
        return Step.CLOSE;
    }

    /** The reply owed now is the last: once it is out, the connection closes gracefully for {@code reason}. */
    protected final void closeAfterReply(String reason) {
        closeAfterReply = reason;
    }

    /** Closes at once for {@code error}, logged through the error map with the reason the map gives. */
    protected final Step fail(Throwable error) {
        return close(events.failed(error), false);
    }

    /** {@code next} starts now: its deadline replaces the one running. */
    protected final void start(Phase next) {
        phase = next;
        context.timer().start(next);
    }
}
