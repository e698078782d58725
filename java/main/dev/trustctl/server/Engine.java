package dev.trustctl.server;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;

/**
 * How bytes move between the server and its clients: the one part of the server that differs between
 * {@link Io#LOOP}, {@link Io#THREADS} and {@link Io#VIRTUAL}. An engine only accepts, reads, writes, waits and keeps
 * time; what the bytes mean is each connection's {@link dev.trustctl.proto.Protocol}'s, driven the same way by every
 * engine, and admitting a client (limit, options, its log events) is the shared {@link Admission}'s. An engine never
 * dies quietly: a failure of one connection closes that connection only; a thread of the engine's that ends anyway
 * (a fatal error, see {@link dev.trustctl.errors.ErrorMap#endsTheServer}) closes what it served and tells the server
 * through {@link Fatal}, which then ends with an error.
 */
public interface Engine {
    /** Told when a thread of the engine died: the server cannot go on serving as it should. */
    @FunctionalInterface
    interface Fatal {
        void died(String thread, Throwable cause);
    }

    /**
     * Starts serving {@code listener}: from now on the engine accepts on its own threads, admits each client
     * through {@code admission}, serves it and closes it. Returns once it is accepting; throws if it cannot, and
     * the server then ends with an error. Accepting stops when the listener is closed.
     */
    void start(ServerSocketChannel listener, Admission admission) throws IOException;

    /**
     * The server is stopping: a connection between messages is closed within {@code linger} (unless a message
     * starts arriving), one in the middle of a message is closed once its reply is sent. Returns how many were
     * between messages.
     */
    int closeIdleSoon(Duration linger);

    /** Closes every connection still open, whatever it is doing; returns how many there were. */
    int closeAll();

    /** Passes of the engine's own threads (event loops, the watchdog) that failed and were survived. */
    long failedPasses();

    /** Ends the engine's threads once every connection is closed. */
    void shutdown();
}
