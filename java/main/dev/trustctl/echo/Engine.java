package dev.trustctl.echo;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * How bytes move between the server and its clients: the one part of the server that differs between
 * {@link Io#LOOP} and {@link Io#THREADS}. Accepting, limits, framing ({@link dev.trustctl.wire.FrameDecoder}), the
 * error map and the log events ({@link ConnectionEvents}) are shared; an engine only reads, writes and keeps time.
 */
public interface Engine {
    /**
     * Takes over an accepted client: from now on the engine serves it, logs its events and closes it, then runs
     * {@code done} exactly once. On an exception nothing was taken over and the caller closes the client.
     */
    void adopt(SocketChannel client, ConnectionEvents events, Runnable done) throws IOException;

    /**
     * Accepts on the engine's own threads from now on, admitting each client through {@code admission}: returns
     * true if it does, false if the server should accept and call {@link #adopt} instead. Accepting stops when the
     * listener is closed.
     */
    default boolean accept(ServerSocketChannel listener, Admission admission) throws IOException {
        return false;
    }

    /**
     * The server is stopping: a connection between messages is closed within {@code linger} (unless a message
     * starts arriving), one in the middle of a message is closed once its echo is sent. Returns how many were
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
