package dev.trustctl.proto;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * What a server on the length-prefixed framing does with one whole message: the echo (week 2), a key-value
 * store (week 9). {@link FramedProtocol} does the rest: the header, the limit, raw mode, deadlines, the log.
 * Called as {@link Protocol} is: by one thread at a time per connection, and never allowed to block.
 */
@FunctionalInterface
public interface FrameHandler {
    /** Makes a connection's handler, given its context (id and peer): one per connection may keep its state. */
    @FunctionalInterface
    interface Factory {
        FrameHandler open(Protocol.Context context);
    }

    /**
     * The replies to one message, whose payload is {@code request}'s {@code [position, limit)}, header stripped:
     * zero or more payloads, each at most {@link dev.trustctl.proto.FrameCodec#MAX_PAYLOAD_BYTES}, that the framing
     * frames and sends in order. The framing copies each reply's {@code [position, limit)} before it reads again,
     * without moving them, so a shared constant or a slice of {@code request} is safe to return; returning
     * {@code List.of(request)} itself, untouched, sends the request's own bytes back with no copy at all (the
     * echo's zero-copy path). A handler may move {@code request}'s position and limit as it reads (the framing
     * puts them back); its bytes belong to the engine: read them here, do not keep them.
     */
    List<ByteBuffer> reply(ByteBuffer request);

    /**
     * Whether a connection whose first byte begins text (the quest's {@code echo "raw test" | nc}) becomes a raw
     * byte stream: each chunk as it arrives goes to {@link #reply} and its replies go back unframed. False (the
     * default): every connection is framed, and text is read as an oversize header and rejected.
     */
    default boolean takesRaw() {
        return false;
    }

    /** The log event of one answered message ({@code frame_echo} for the echo). */
    default String replyEvent() {
        return "frame_reply";
    }

    /** The log event of one answered raw chunk ({@code raw_echo} for the echo). */
    default String rawEvent() {
        return "raw_reply";
    }
}
