package dev.trustctl.wire;

import dev.trustctl.display.WireTrace;
import dev.trustctl.proto.DeadlineExceededException;
import dev.trustctl.proto.Phase;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.IntConsumer;

/**
 * One peer on a blocking channel whose every wait has a deadline: {@link #recvExact} and {@link #sendExact}
 * ({@link ExactIO}'s) over its own {@link #read} and {@link #write}. Every wait is a whole-operation deadline of
 * one timeout, per {@link Phase}: idle until a message starts, then the whole message, then the whole write.
 * Blocking calls cannot time themselves out, so a shared {@link Watchdog} closes the channel when a deadline passes
 * and the blocked call fails with {@link DeadlineExceededException}. The phases are the protocol's (its
 * {@link dev.trustctl.proto.PhaseTimer} is {@link #startPhase}); this class keeps a copy only because the watchdog,
 * another thread, reads it, and because a message's first byte starts its FRAME deadline inside a recv_exact.
 */
public final class Connection implements ByteChannel {
    private static final int SINK_BYTES = 4096;

    private final ByteChannel channel;
    private final long timeoutNanos;
    private final Watchdog watchdog;
    private Phase phase = Phase.IDLE; // written by the owning thread, read by the watchdog under the lock
    private long deadline;            // System.nanoTime() by which the phase must end; guarded by this
    private boolean waiting;          // false while at rest: no deadline runs; guarded by this
    private volatile Phase expiredIn; // set once, by the watchdog
    private volatile boolean closedLocally;
    private boolean closing;          // the owner is shutting down: an idle wait ends soon; guarded by this
    private WireTrace trace;          // null unless --trace: then every read and write call is shown

    public Connection(ByteChannel channel, Duration timeout, Watchdog watchdog) {
        this.channel = channel;
        this.timeoutNanos = timeout.toNanos();
        this.watchdog = watchdog;
        startPhase(Phase.IDLE);
        watchdog.watched.add(this);
    }

    /**
     * recv_exact ({@link ExactIO#recvExact}) on this connection: every read within the current phase's deadline.
     * The first byte after an idle wait starts the FRAME deadline: the rest of the message must come within one
     * timeout, however slowly it trickles in.
     */
    public int recvExact(ByteBuffer dst) throws IOException {
        return ExactIO.recvExact(this, dst);
    }

    /** send_exact ({@link ExactIO#sendExact}) on this connection, within the current phase's deadline. */
    public void sendExact(ByteBuffer src) throws IOException {
        ExactIO.sendExact(this, src);
    }

    /** One read of what is there (at least one byte, blocking until then); -1 at end of stream. */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = call(true, dst);
        if (n > 0 && phase == Phase.IDLE) { // the owner's own field: no lock to read it, only to change it
            startPhase(Phase.FRAME);
        }
        return n;
    }

    /** One write of what the socket takes now, within the current phase's deadline. */
    @Override
    public int write(ByteBuffer src) throws IOException {
        return call(false, src);
    }

    /** One read or write call, shown on the trace; a failure the watchdog caused says so. */
    private int call(boolean reading, ByteBuffer buf) throws IOException {
        int asked = buf.remaining();
        int n;
        try {
            n = reading ? channel.read(buf) : channel.write(buf);
        } catch (IOException e) {
            Phase expired = expiredIn;
            IOException failure = expired != null ? new DeadlineExceededException(expired, timeoutNanos / 1_000_000)
                    : closedLocally ? new EOFException("closed locally") : e;
            if (trace != null) {
                trace.failed(reading ? "read" : "write", asked, failure);
            }
            throw failure;
        }
        if (trace != null && reading) {
            trace.read(asked, n);
        } else if (trace != null) {
            trace.wrote(asked, n);
        }
        return n;
    }

    /** Shows every later read and write call on {@code trace}; for the owning thread, before any I/O. */
    public void trace(WireTrace trace) {
        this.trace = trace;
    }

    /**
     * Ends the conversation without destroying what is in flight: a FIN after the last byte written, then what
     * the peer still sends is read and dropped (each read's size to {@code drained}) until it closes too or
     * {@code bound} passes; then the channel is closed. Closing with unread input would send RST at once, which
     * can throw away replies the peer has not read yet.
     */
    public void finish(Duration bound, IntConsumer drained) {
        try {
            if (channel instanceof SocketChannel socket) {
                socket.shutdownOutput();
            }
            rest();
            closeSoonIfIdle(bound); // the drain's end is a local close, as a stop's linger is
            ByteBuffer sink = ByteBuffer.allocate(SINK_BYTES);
            int n;
            while ((n = channel.read(sink.clear())) >= 0) {
                drained.accept(n);
            }
        } catch (IOException | RuntimeException e) {
            // The peer reset, or the bound passed and the watchdog closed it: closed either way, as it should be.
        }
        close();
    }

    /** Starts a new phase with a fresh deadline of one timeout. */
    public synchronized void startPhase(Phase next) {
        phase = next;
        deadline = System.nanoTime() + timeoutNanos;
        waiting = true;
    }

    /**
     * For a client that has its answer: nothing is awaited until it sends again, so no deadline runs meanwhile
     * (a held load-test connection may wait its turn as long as it likes). The next {@link #startPhase} runs one.
     */
    public synchronized void rest() {
        phase = Phase.IDLE;
        waiting = false;
    }

    /** Called by the watchdog: closes the channel if the current phase's deadline has passed. */
    void expireIfDue(long now) {
        synchronized (this) {
            if (!waiting || expiredIn != null || closedLocally || now - deadline < 0) {
                return;
            }
            if (closing && phase == Phase.IDLE) {
                closedLocally = true;
            } else {
                expiredIn = phase;
            }
        }
        Closing.quietly(channel);
    }

    /**
     * For a stopping server: if the connection is between messages, its idle wait now ends within
     * {@code linger}, and ending it is a local close, not a timeout. A message that starts arriving before
     * then gets its full deadline and is served. Returns whether it was idle.
     */
    public synchronized boolean closeSoonIfIdle(Duration linger) {
        closing = true;
        if (phase != Phase.IDLE || closedLocally) {
            return false;
        }
        long soon = System.nanoTime() + linger.toNanos();
        if (!waiting || soon - deadline < 0) {
            deadline = soon;
            waiting = true;
        }
        return true;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    public boolean isClosedLocally() {
        return closedLocally;
    }

    @Override
    public void close() {
        synchronized (this) {
            closedLocally = true;
        }
        watchdog.watched.remove(this);
        Closing.quietly(channel);
    }
}
