package dev.trustctl.proto;

import dev.trustctl.errors.ErrorMap;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The length-prefixed framing as a {@link Protocol}: each whole frame's payload goes to a {@link FrameHandler},
 * and the payloads it returns go back framed. Every framing decision lives here once, for every engine and
 * handler: the raw/framed sniff of the first byte (if the handler takes raw), oversize from the header alone,
 * truncation at end of stream, and the phase each wait is in.
 * <pre>
 *            first byte                 whole message              reply sent
 *   IDLE ─────────────────▶ FRAME ─────────────────────▶ WRITE ─────────────────▶ IDLE  (nothing left)
 *     ▲                       ▲                                      │            FRAME (bytes left over)
 *     └───────────────────────┴──────────────────────────────────────┘
 * </pre>
 * While a reply is owed the engine stops reading, so a connection holds at most one request's bytes and one
 * request's replies. A reply the handler makes of the request's own bytes (the echo's) is sent from the engine's
 * buffer with no copy, and consecutive ones of one read are gathered into one write; any other reply is copied,
 * framed, into a buffer of the protocol's own at once, so nothing the handler returned is read later.
 */
public final class FramedProtocol extends BaseProtocol {
    /** Replies gathered into one write at most: enough to turn a read of tiny frames into a few writes. */
    static final int GATHER_MESSAGES = 256;
    /** The most bytes the replies to one request may take on the wire, headers included: 16 whole frames. */
    public static final int MAX_REPLY_BYTES = 16 * FrameCodec.MAX_FRAME_WITH_HEADER_BYTES;
    private static final int HEADER = FrameCodec.HEADER_BYTES;

    private enum Mode { UNDECIDED, FRAMED, RAW }

    private final FrameHandler handler;
    private Mode mode;
    // The in-place replies owed while in WRITE: inPlace bytes at the front of `in`, the wire sizes of the messages
    // they answer in sizes[0..count).
    private int inPlace;
    private int[] sizes = new int[1]; // grown once to GATHER_MESSAGES: only a connection that pipelines needs more
    private int count;
    // The copied replies to one request (separateRequest bytes on the wire), owed once `separate` is non-null.
    private ByteBuffer separate;
    private int separateRequest;
    private int separateReplyBytes;
    private boolean separateRequestInInput; // it still sits in `in`, behind the in-place replies going out first
    private Throwable pendingFailure;        // the handler failed behind in-place replies: they go out first

    private FramedProtocol(Context context, FrameHandler handler) {
        super(context);
        this.handler = handler;
        this.mode = handler.takesRaw() ? Mode.UNDECIDED : Mode.FRAMED;
    }

    /** Every connection's framing answered by the one {@code handler} (which must then be thread-safe). */
    public static Protocol.Factory factory(FrameHandler handler) {
        return context -> new FramedProtocol(context, handler);
    }

    /** Each connection's framing answered by a handler of its own, made by {@code handlers}. */
    public static Protocol.Factory perConnection(FrameHandler.Factory handlers) {
        return context -> new FramedProtocol(context, handlers.open(context));
    }

    @Override
    protected void arrived(ByteBuffer in) {
        if (mode == Mode.UNDECIDED && in.hasRemaining()) {
            decideMode(in.get(in.position()));
        }
    }

    @Override
    public int needed(ByteBuffer in) {
        int available = in.remaining();
        if (mode != Mode.FRAMED) {
            return mode == Mode.UNDECIDED && available == 0 ? 1 : 0; // the first byte says framed or raw
        }
        if (available < HEADER) {
            return HEADER - available;
        }
        long length = Integer.toUnsignedLong(in.getInt(in.position()));
        return (int) Math.max(0, Math.min(HEADER + length - available, FrameCodec.MAX_PAYLOAD_BYTES));
    }

    @Override
    protected Step decide(ByteBuffer in) {
        if (separate != null) {
            if (separateRequestInInput) {
                // The copied reply that waited behind in-place replies: its request is passed over now.
                in.position(in.position() + separateRequest);
                separateRequestInInput = false;
            }
            if (separate.hasRemaining()) {
                return Step.WRITE;
            }
            reportSeparate(); // no reply at all: on to the next message
            if (!messageDone(in)) {
                return Step.CLOSE;
            }
        }
        if (pendingFailure != null) {
            // Gracefully: the replies that went out before it must not be destroyed by a reset.
            return close(events.failed(pendingFailure), true);
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
            boolean inPlaceReply;
            try {
                inPlaceReply = answer(in, offset, size);
            } catch (Throwable e) {
                if (ErrorMap.endsTheServer(e)) {
                    throw e;
                }
                if (inPlace > 0) {
                    pendingFailure = e;
                    break;
                }
                return fail(e); // a handler's failure ends this connection only, never the server
            }
            if (inPlaceReply) {
                remember(size);
                inPlace += size;
                offset += size;
                continue;
            }
            separateRequest = size;
            if (inPlace > 0) {
                separateRequestInInput = true;
                break;
            }
            offset += size;
            in.position(offset); // answered: only the copied replies are held from now on
            if (separate.hasRemaining()) {
                break;
            }
            reportSeparate(); // no reply at all: done as if its replies went out
            if (!messageDone(in)) {
                return Step.CLOSE;
            }
        }
        return inPlace == 0 && separate == null ? Step.READ : Step.WRITE;
    }

    @Override
    public int inPlaceBytes() {
        return inPlace;
    }

    @Override
    public ByteBuffer reply() {
        return inPlace > 0 ? null : separate;
    }

    @Override
    public int repliesOffered() {
        return inPlace > 0 ? count : 1;
    }

    @Override
    public void wrote(int n) {
        if (traced) {
            events.traced("write", n, inPlace > 0 ? "reply " + count + " message(s) in place"
                    : "reply of the handler's own");
        }
    }

    @Override
    protected boolean replyWentOut(ByteBuffer in) {
        if (inPlace > 0) {
            for (int i = 0; i < count; i++) {
                report(sizes[i], -1);
            }
            events.sent(inPlace);
            inPlace = 0;
            count = 0;
            return separateRequestInInput; // the copied reply to the message after them is owed too
        }
        if (separate != null) {
            reportSeparate();
        }
        return false;
    }

    /**
     * The peer ended its stream (FIN). Called only after {@link Step#READ}, so every whole message before it was
     * answered: a half-closed peer gets every reply. What is left is a truncated frame, or nothing.
     */
    @Override
    protected Step endedWith(ByteBuffer in) {
        int got = in.remaining();
        if (got == 0 || mode == Mode.RAW) {
            return close("peer_closed", false);
        }
        return fail(got < HEADER ? new TruncatedFrameException(got, HEADER)
                : new TruncatedFrameException(got - HEADER, in.getInt(in.position())));
    }

    /**
     * Where the first unanswered message stands in {@code in}, as a person reads it: {@code idle},
     * {@code header 2/4}, {@code payload 1000/65536}, {@code raw}, or {@code a whole message of N bytes}.
     */
    @Override
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
        if (length > FrameCodec.MAX_PAYLOAD_BYTES) {
            return "header announcing " + length + " bytes, over the limit";
        }
        if (available - HEADER >= length) {
            return "a whole message of " + length + " bytes";
        }
        return "payload " + (available - HEADER) + "/" + length;
    }

    private void decideMode(byte first) {
        mode = FrameCodec.startsText(first) ? Mode.RAW : Mode.FRAMED;
        if (mode == Mode.RAW) {
            events.becameRaw();
        }
    }

    /**
     * The size of the whole message at {@code offset} within {@code in}'s limit, or 0 while more bytes are needed.
     * An oversize length is rejected from the header alone, before anything is sized by it.
     */
    private int messageAt(ByteBuffer in, int offset) throws FrameTooLargeException {
        int available = in.limit() - offset;
        if (available <= 0) {
            return 0;
        }
        if (mode == Mode.UNDECIDED) {
            decideMode(in.get(offset));
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

    /**
     * Asks the handler, showing it only the message's payload. True if the reply is the request's own bytes, sent
     * in place; else its replies are copied, framed, into {@link #separate} now.
     */
    private boolean answer(ByteBuffer in, int offset, int size) {
        int start = mode == Mode.RAW ? offset : offset + HEADER;
        int end = offset + size;
        int position = in.position();
        int limit = in.limit();
        in.limit(end).position(start);
        try {
            List<ByteBuffer> replies = handler.reply(in);
            if (replies == null) {
                throw new IllegalStateException("the handler returned null: List.of() is no reply");
            }
            if (replies.size() == 1 && replies.get(0) == in && in.position() == start && in.limit() == end) {
                return true;
            }
            separate = framed(replies);
            return false;
        } finally {
            in.limit(limit).position(position);
        }
    }

    /** The handler's replies, each framed (raw: as they are), copied into one buffer of the protocol's own. */
    private ByteBuffer framed(List<ByteBuffer> replies) {
        int header = mode == Mode.RAW ? 0 : HEADER;
        int total = 0;
        for (ByteBuffer r : replies) {
            int n = r.remaining();
            if (header > 0 && n > FrameCodec.MAX_PAYLOAD_BYTES) {
                throw new IllegalStateException("the handler's reply of " + n + " bytes is over the frame limit of "
                        + FrameCodec.MAX_PAYLOAD_BYTES);
            }
            total += header + n;
            if (total > MAX_REPLY_BYTES) {
                throw new IllegalStateException("the handler's replies to one message are over " + MAX_REPLY_BYTES
                        + " bytes");
            }
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (ByteBuffer r : replies) {
            if (header > 0) {
                out.putInt(r.remaining());
            }
            out.put(r.duplicate());
        }
        separateReplyBytes = total - header * replies.size();
        return out.flip();
    }

    /** One request, {@code size} bytes on the wire, was answered: with its own bytes, or {@code replyBytes}. */
    private void report(int size, int replyBytes) {
        boolean raw = mode == Mode.RAW;
        int request = raw ? size : size - HEADER;
        String event = raw ? handler.rawEvent() : handler.replyEvent();
        events.replied(event, !raw, request, replyBytes < 0 ? request : replyBytes);
    }

    private void reportSeparate() {
        report(separateRequest, separateReplyBytes);
        events.sent(separate.limit());
        separate = null;
    }

    private void remember(int size) {
        if (count == sizes.length) {
            sizes = Arrays.copyOf(sizes, GATHER_MESSAGES);
        }
        sizes[count++] = size;
    }
}
