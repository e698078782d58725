package dev.trustctl.display;

import dev.trustctl.log.LogSettings;
import java.io.PrintStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code echo-server --trace}: one line on stderr per read and write of each connection (its id, the bytes
 * moved, where the protocol core stands: {@code header 2/4}, {@code payload 1000/65536}), and each lifecycle
 * event as it happens (open, timeout and its phase, rejected, close and its reason). Off by default: the core
 * then checks one boolean. Bounded like the log: a burst of {@value #BURST} lines, then {@value #PER_SECOND}
 * a second; what that holds back is counted and said once lines flow again. Never payload bytes.
 */
public final class ServerTrace {
    public static final int BURST = LogSettings.DEFAULT_BURST;
    static final int PER_SECOND = LogSettings.DEFAULT_PER_SECOND;

    private final PrintStream out;
    private final ReentrantLock lock = new ReentrantLock(); // not synchronized: a virtual thread must not pin
    private double tokens = BURST;
    private long refilled = System.nanoTime();
    private long heldBack;

    public ServerTrace(PrintStream out) {
        this.out = out;
    }

    /** A line about connection {@code id}: {@code conn 7 read 12 bytes, payload 8/8}. */
    public void conn(long id, String text) {
        line("conn " + id + " " + text);
    }

    /** A client closed at once: past the client limit. */
    public void rejected(String peer, int maxClients) {
        line("conn - rejected " + peer + ": over --max-clients " + maxClients);
    }

    /** A token bucket, as the log's flood limit: a line when a token is left, else only counted. */
    public void line(String text) {
        lock.lock();
        try {
            long now = System.nanoTime();
            tokens = Math.min(BURST, tokens + (now - refilled) * PER_SECOND / 1e9);
            refilled = now;
            if (tokens < 1) {
                heldBack++;
                return;
            }
            tokens--;
            if (heldBack > 0) {
                out.println("trace: " + heldBack + " lines held back by the flood limit");
                heldBack = 0;
            }
            out.println(text);
        } finally {
            lock.unlock();
        }
    }
}
