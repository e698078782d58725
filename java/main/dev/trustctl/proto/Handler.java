package dev.trustctl.proto;

import dev.trustctl.wire.FrameCodec;
import java.nio.ByteBuffer;

/**
 * What a server does with one whole message: the only part of a protocol that differs between the echo and
 * the course's later weeks (a key-value store, say). Framing, raw mode, limits, deadlines, back-pressure and the
 * log events are {@link ServerProtocol}'s, the same for every handler. One handler serves every connection of a
 * server, from many threads at once: it must be safe for that (the echo holds no state at all).
 */
@FunctionalInterface
public interface Handler {
    /**
     * The reply to one whole message, the bytes {@code [position, limit)} of {@code message}: for a framed
     * connection one frame, header included; for a raw one, the bytes that have arrived. Returns {@code message}
     * itself to send those very bytes back (no copy), or a new buffer holding one whole reply frame of at most
     * {@link FrameCodec#MAX_FRAME_WITH_HEADER_BYTES} bytes from its position to its limit. Must leave {@code message}'s
     * position and limit as they are, and must not keep it: its bytes belong to the engine.
     */
    ByteBuffer reply(ByteBuffer message, boolean raw);
}
