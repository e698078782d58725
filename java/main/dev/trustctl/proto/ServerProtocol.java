package dev.trustctl.proto;

import dev.trustctl.wire.DeadlineExceededException;
import dev.trustctl.wire.FrameCodec;
import dev.trustctl.wire.FrameTooLargeException;
import dev.trustctl.wire.Phase;
import dev.trustctl.wire.TruncatedFrameException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * One connection's side of the framed protocol, with no socket and no clock ("sans-I/O", as h11 and
 * quinn-proto are): the engine hands it the bytes that have arrived and it says what to do next
 * ({@link Step}): read more, write a reply, or close (and why, and whether gracefully). Every protocol decision
 * lives here once, for every engine: the raw/framed sniff of the first byte, oversize from the header alone,
 * truncation at end of stream, "stop after the current message", and the phase each wait is in.
 * <pre>
 *            first byte                 whole message              reply sent
 *   IDLE ─────────────────▶ FRAME ─────────────────────▶ WRITE ─────────────────▶ IDLE  (nothing left)
 *     ▲                       ▲                                      │            FRAME (bytes left over)
 *     └───────────────────────┴──────────────────────────────────────┘
 * </pre>
 * The bytes stay in the engine's buffer {@code in}: {@code [position, limit)} is what arrived and is not yet
 * answered, and it is the same buffer at every call (its bytes may move, in order). While a reply is owed the
 * engine stops reading, so a connection holds at most one request's bytes and one reply, each at most
 * {@link FrameCodec#MAX_FRAME_WITH_HEADER_BYTES} bytes. Replies the handler makes in place (the echo's) are gathered: consecutive whole
 * messages of one read go out in one write. Owned by one thread at a time.
 */
public final class ServerProtocol {
    /** What the engine does next. */
    public enum Step {
        /** Wait for more bytes and call {@link #received} (or {@link #endOfInput}). */
        READ,
        /** Write {@link #inPlaceBytes} of {@code in}, or else {@link #separateReply}, whole; then call {@link #sent}. */
        WRITE,
        /** Close: {@link #closeReason}; {@link #closesGracefully} says how. Then call {@link #closed}. */
        CLOSE
    }

    /** Replies gathered into one write at most: enough to turn a read of tiny frames into a few writes. */
    static final int GATHER_MESSAGES = 256;
    private static final int HEADER = FrameCodec.HEADER_BYTES;

    private enum Mode { UNDECIDED, FRAMED, RAW }

    private final Handler handler;
    private final ProtocolEvents events;
    private final PhaseTimer timer;
    private final BooleanSupplier stopping;
    private final long timeoutMillis;
    private final boolean traced;

    private Mode mode = Mode.UNDECIDED;
    private Phase phase = Phase.IDLE;
    // The reply owed while in WRITE: inPlace bytes at the front of `in` (the sizes of the messages they answer
    // firstSize, then sizes[1..count)), or a reply of the handler's own to a request of separateRequest bytes.
    private int inPlace;
    private int firstSize;
    private int[] sizes;
    private int count;
    private ByteBuffer separate;
    private int separateBytes;
    private int separateRequest;
    private boolean separateRequestInInput; // it still sits in `in`, behind the in-place replies going out first
    private String closeReason; // non-null once closing
    private boolean graceful;
    private boolean closedReported;

    public ServerProtocol(Handler handler, ProtocolEvents events, PhaseTimer timer, BooleanSupplier stopping,
            long timeoutMillis) {
        this.handler = handler;
        this.events = events;
        this.timer = timer;
        this.stopping = stopping;
        this.timeoutMillis = timeoutMillis;
        this.traced = events.traces();
    }

    /** The connection is accepted: logged, and its idle deadline starts. */
    public void open() {
        events.opened();
        start(Phase.IDLE);
    }

    /** {@code n} more bytes arrived at the end of {@code in}. */
    public Step received(ByteBuffer in, int n) {
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
        if (traced) {
            events.traced("read", n, progress(in));
        }
        return next(in);
    }

    /** A write call moved {@code n} bytes of the reply offered (for {@code --trace}; the reply's end is {@link #sent}). */
    public void wrote(int n) {
        if (traced) {
            events.traced("write", n, "reply " + (inPlace > 0 ? count + " message(s) in place" : "of the handler's own"));
        }
    }

    /**
     * Where the first unanswered message stands in {@code in}, as a person reads it: {@code idle},
     * {@code header 2/4}, {@code payload 1000/65536}, {@code raw}, or {@code N whole message(s) waiting}.
     */
    public String progress(ByteBuffer in) {
        int available = in.remaining();
        if (mode == Mode.RAW) {
            return "raw";
        }
        if (available == 0) {
            return "idle";
        }
        if (available < HEADER) {
            return "header " + available + "/" + HEADER;
        }
        long length = Integer.toUnsignedLong(in.getInt(in.position()));
        if (available - HEADER >= length) {
            return "a whole message of " + length + " bytes";
        }
        return "payload " + (available - HEADER) + "/" + length;
    }

    /**
     * What to do with the bytes in {@code in} now: answer the whole messages there ({@link Step#WRITE}), wait for
     * more ({@link Step#READ}), or close. Called after {@link #sent} to go on with what is left over; an engine
     * may call it later (in a next pass) to share its thread fairly.
     */
    public Step next(ByteBuffer in) {
        if (closeReason != null) {
            return Step.CLOSE;
        }
        if (separate != null) {
            if (separateRequestInInput) {
                // The handler's reply that waited behind in-place replies: its request is passed over now.
                in.position(in.position() + separateRequest);
                separateRequestInInput = false;
                start(Phase.WRITE);
            }
            return Step.WRITE;
        }
        int offset = in.position();
        while (count < GATHER_MESSAGES) {
            int size;
            try {
                size = messageAt(in, offset);
            } catch (FrameTooLargeException e) {
                if (inPlace > 0) {
                    break; // the replies before it go out first; the next call rejects it
                }
                return close(events.failed(e), true);
            }
            if (size == 0) {
                break;
            }
            ByteBuffer reply;
            try {
                reply = answer(in, offset, size);
            } catch (RuntimeException e) {
                if (inPlace > 0) {
                    break; // the replies before it go out first; asked again, the handler fails again
                }
                // A handler bug ends this connection only, never the server.
                return close(events.failed(e), false);
            }
            if (reply == in) {
                remember(size);
                inPlace += size;
                offset += size;
                continue;
            }
            separate = reply;
            separateBytes = reply.remaining();
            separateRequest = size;
            separateRequestInInput = inPlace > 0;
            if (!separateRequestInInput) {
                in.position(offset + size); // answered: only the reply is held from now on
            }
            break;
        }
        if (inPlace == 0 && separate == null) {
            return Step.READ;
        }
        start(Phase.WRITE);
        return Step.WRITE;
    }

    /** While in WRITE: how many bytes of {@code in}, from its position, are the reply (0: see separateReply). */
    public int inPlaceBytes() {
        return inPlace;
    }

    /** While in WRITE: how many replies the bytes offered are (several when gathered). */
    public int repliesOffered() {
        return inPlace > 0 ? count : 1;
    }

    /** While in WRITE with no in-place bytes: the handler's own reply to write, from position to limit. */
    public ByteBuffer separateReply() {
        return inPlace > 0 ? null : separate;
    }

    /**
     * The reply offered by the last {@link Step#WRITE} went out whole (an in-place one moved {@code in}'s
     * position past it). Logs it; returns false if the connection now closes (the server is stopping: after the
     * current message, gracefully), else the next phase has started and {@link #next} goes on.
     */
    public boolean sent(ByteBuffer in) {
        boolean raw = mode == Mode.RAW;
        if (inPlace > 0) {
            events.replied(firstSize, firstSize, raw);
            for (int i = 1; i < count; i++) {
                events.replied(sizes[i], sizes[i], raw);
            }
            inPlace = 0;
            count = 0;
            if (separateRequestInInput) {
                return true; // the handler's reply to the message after them is owed too
            }
        } else if (separate != null) {
            events.replied(separateRequest, separateBytes, raw);
            separate = null;
        }
        if (stopping.getAsBoolean()) {
            close("server_stop", true);
            return false;
        }
        // Bytes of the next message already here have begun it: its deadline runs from now.
        start(in.hasRemaining() ? Phase.FRAME : Phase.IDLE);
        return true;
    }

    /**
     * The peer ended its stream (FIN). Called only after {@link Step#READ}, so every whole message before it was
     * answered: a half-closed peer gets every reply. What is left is a truncated frame, or nothing.
     */
    public Step endOfInput(ByteBuffer in) {
        if (closeReason != null) {
            return Step.CLOSE;
        }
        int got = in.remaining();
        if (got == 0 || mode == Mode.RAW) {
            return close("peer_closed", false);
        }
        TruncatedFrameException truncated = got < HEADER ? new TruncatedFrameException(got, HEADER)
                : new TruncatedFrameException(got - HEADER, in.getInt(in.position()));
        return close(events.failed(truncated), false);
    }

    /** The current phase's deadline passed. */
    public Step expired() {
        if (closeReason != null) {
            return Step.CLOSE;
        }
        return close(events.failed(new DeadlineExceededException(phase, timeoutMillis)), false);
    }

    /** Reading or writing failed: logged through the error map, closed at once. */
    public Step failed(Throwable error) {
        if (closeReason != null) {
            return Step.CLOSE;
        }
        return close(events.failed(error), false);
    }

    /** The server closes this connection now, whatever it is doing (a stop's linger ran out, or its grace). */
    public Step stopNow() {
        if (closeReason != null) {
            return Step.CLOSE;
        }
        return close("server_stop", false);
    }

    /** Between messages: nothing buffered, nothing owed, not closing. */
    public boolean isIdle() {
        return phase == Phase.IDLE && closeReason == null;
    }

    public Phase phase() {
        return phase;
    }

    public boolean isRaw() {
        return mode == Mode.RAW;
    }

    /** Why the connection closes; null while it does not. */
    public String closeReason() {
        return closeReason;
    }

    /**
     * Whether the close should be graceful: replies may still be in flight and the peer may still be sending, so
     * the engine shuts down its output (a FIN after the last reply), drops what still arrives until the peer
     * closes too or a short bound passes, then closes. A close with unread input sends RST instead, which can
     * destroy replies the peer has not read yet.
     */
    public boolean closesGracefully() {
        return graceful;
    }

    /** The socket is closed: logs the close, once. */
    public void closed() {
        if (closedReported) {
            return;
        }
        closedReported = true;
        if (closeReason == null) {
            closeReason = "server_stop";
        }
        events.closed(closeReason);
    }

    private Step close(String reason, boolean gracefully) {
        closeReason = reason;
        graceful = gracefully;
        return Step.CLOSE;
    }

    private void start(Phase next) {
        phase = next;
        timer.start(next);
    }

    /**
     * The size of the whole message at {@code offset} within {@code in}'s limit, or 0 while more bytes are needed.
     * The first byte decides the mode for good; an oversize length is rejected from the header alone, before
     * anything is sized by it.
     */
    private int messageAt(ByteBuffer in, int offset) throws FrameTooLargeException {
        int available = in.limit() - offset;
        if (available <= 0) {
            return 0;
        }
        if (mode == Mode.UNDECIDED) {
            mode = FrameCodec.startsText(in.get(offset)) ? Mode.RAW : Mode.FRAMED;
            if (mode == Mode.RAW) {
                events.becameRaw();
            }
        }
        if (mode == Mode.RAW) {
            return available;
        }
        if (available < HEADER) {
            return 0;
        }
        int size = HEADER + FrameCodec.payloadLength(in, offset, FrameCodec.MAX_PAYLOAD_BYTES);
        return available >= size ? size : 0;
    }

    /** Asks the handler, showing it only the message; a reply over the frame limit is the handler's bug. */
    private ByteBuffer answer(ByteBuffer in, int offset, int size) {
        int position = in.position();
        int limit = in.limit();
        in.limit(offset + size).position(offset);
        ByteBuffer reply;
        try {
            reply = handler.reply(in, mode == Mode.RAW);
        } finally {
            in.limit(limit).position(position);
        }
        if (reply == null) {
            throw new IllegalStateException("the handler gave no reply");
        }
        if (reply != in && reply.remaining() > FrameCodec.MAX_FRAME_WITH_HEADER_BYTES) {
            throw new IllegalStateException("the handler's reply of " + reply.remaining()
                    + " bytes is over the frame limit of " + FrameCodec.MAX_FRAME_WITH_HEADER_BYTES);
        }
        return reply;
    }

    private void remember(int size) {
        if (count == 0) {
            firstSize = size;
        } else {
            if (sizes == null) {
                sizes = new int[GATHER_MESSAGES]; // only a connection that pipelines needs room for more than one
            }
            sizes[count] = size;
        }
        count++;
    }
}
