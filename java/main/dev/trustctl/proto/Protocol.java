package dev.trustctl.proto;

import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * One connection's protocol, with no socket and no clock (sans-I/O, as h11 and quinn-proto are): the seam every
 * engine drives and every protocol plugs into. The engine hands it the bytes that arrived and does what it says
 * ({@link Step}): read more, write a reply, or close. The length-prefixed framing is one implementation
 * ({@link FramedProtocol}, whose {@link FrameHandler} the echo is); week 4's HTTP and week 9's key-value store
 * plug in here with no engine change.
 * <p>
 * The engine's bytes: {@code in} is the engine's buffer, {@code [position, limit)} the bytes that arrived and are
 * not yet consumed. The protocol consumes by moving its position; the engine keeps what is left, possibly in
 * another buffer, in order. While a reply is owed the engine reads nothing more. A protocol asks to read more while
 * holding at most {@link #MAX_HELD_BYTES} unconsumed (one largest frame): past that, an engine has no room to read
 * into, and closes the connection as the protocol's bug. A protocol whose messages are larger consumes as it goes
 * (an HTTP head is parsed and dropped before its body is read).
 * <p>
 * Threads: one connection's protocol is called by one thread at a time: the event-loop thread that owns the
 * connection ({@code --io loop}) or the connection's own thread ({@code --io threads}, {@code virtual}).
 * It must never block: on an event loop a blocking call stalls every client of that loop. A protocol made per
 * connection may keep state without locks; state shared between connections must be thread-safe.
 * <p>
 * Failures: anything a protocol throws out of a call closes its connection only, logged through the error map
 * ({@code conn_error}, errno {@code EINTERNAL}); a {@link VirtualMachineError} other than a stack overflow or an
 * out-of-memory ends the server (see {@link dev.trustctl.errors.ErrorMap#endsTheServer}).
 */
public interface Protocol {
    /** The most unconsumed bytes a protocol may hold when it asks to read more: one largest frame, 65 540. */
    int MAX_HELD_BYTES = FrameCodec.MAX_FRAME_WITH_HEADER_BYTES;

    /** What the engine does next. */
    enum Step {
        /** Read: {@link #needed} bytes if it says, else what is there; then {@link #received} or {@link #endOfInput}. */
        READ,
        /** Write {@link #inPlaceBytes} of {@code in}, or else {@link #reply}, whole; then {@link #sent}. */
        WRITE,
        /** Close: {@link #closesGracefully} says how; then {@link #closed}. */
        CLOSE
    }

    /**
     * What a protocol is given about its connection: its id and peer (for a per-connection state, a log field),
     * and the engine's hooks: the events it reports, the clock it starts phases on, whether the server stops.
     */
    record Context(long id, String peer, ProtocolEvents events, PhaseTimer timer, BooleanSupplier stopping,
                   long timeoutMillis) {
    }

    /** Makes each connection's protocol: called once per accepted connection, by the thread that will drive it. */
    @FunctionalInterface
    interface Factory {
        Protocol open(Context context);
    }

    /** The connection is accepted: logged, and its idle deadline starts. */
    void open();

    /**
     * How many more bytes must arrive before this protocol can decide anything (a header's rest, a payload's),
     * for an engine that reads exactly that much (recv_exact); 0 when any amount will do.
     */
    int needed(ByteBuffer in);

    /** {@code n} more bytes arrived at the end of {@code in}. */
    Step received(ByteBuffer in, int n);

    /** What to do with the bytes in {@code in} now; called after {@link #sent}, or in a later pass to share a thread. */
    Step next(ByteBuffer in);

    /** While in WRITE: how many bytes of {@code in}, from its position, are the reply (0: write {@link #reply}). */
    int inPlaceBytes();

    /** While in WRITE with no in-place bytes: the reply to write, from position to limit. The engine may consume it. */
    ByteBuffer reply();

    /** While in WRITE: how many replies the bytes offered are (several when gathered); an engine's fairness budget. */
    int repliesOffered();

    /** A write call moved {@code n} bytes of the reply offered (for {@code --trace}). */
    void wrote(int n);

    /**
     * The reply offered went out whole (an in-place one moved {@code in}'s position past it). Returns false if the
     * connection now closes, else {@link #next} goes on.
     */
    boolean sent(ByteBuffer in);

    /** The peer ended its stream (FIN); called only after {@link Step#READ}. */
    Step endOfInput(ByteBuffer in);

    /** The current phase's deadline passed. */
    Step expired();

    /** Reading or writing failed (or the protocol threw): logged through the error map, closed at once. */
    Step failed(Throwable error);

    /** The server closes this connection now, whatever it is doing. */
    Step stopNow();

    /** Between messages: nothing buffered, nothing owed, not closing. */
    boolean isIdle();

    /**
     * Whether the close should be graceful: a FIN after the last reply, then what still arrives is dropped until
     * the peer closes too or a short bound passes. Otherwise the engine closes at once.
     */
    boolean closesGracefully();

    /** The socket is closed: logs the close, once. */
    void closed();

    /** Where the protocol stands in {@code in}, as a person reads it ({@code header 2/4}), for {@code --trace}. */
    String progress(ByteBuffer in);
}
