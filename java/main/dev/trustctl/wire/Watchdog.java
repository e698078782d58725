package dev.trustctl.wire;

import dev.trustctl.errors.ErrorMap;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * One daemon thread that enforces every {@link Connection}'s deadline by closing the connection when it
 * passes. It wakes every {@code tick}, so a deadline fires up to one tick late: the tick is a tenth of the
 * timeout, between 5 and 100 ms. One thread and no fd per connection, unlike a Selector per connection.
 */
public final class Watchdog implements AutoCloseable {
    final Set<Connection> watched = ConcurrentHashMap.newKeySet(); // a Connection adds itself, and leaves on close
    private final long tickMillis;
    private final Thread thread;
    private final AtomicLong failedPasses = new AtomicLong();
    private final BiConsumer<String, Throwable> died;

    /** A client's watchdog: should it ever die, stderr says so (its deadlines no longer run). */
    public Watchdog(Duration timeout, String name) {
        this(timeout, name, null); // not a lambda: a short client call spins up no lambda machinery at start-up
    }

    /** A watchdog that tells {@code died} if a fatal error ends its thread (a server then ends: no deadline runs). */
    public Watchdog(Duration timeout, String name, BiConsumer<String, Throwable> died) {
        this.died = died;
        this.tickMillis = Math.max(5, Math.min(100, timeout.toMillis() / 10));
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** How many connections are open and watched now. */
    public int size() {
        return watched.size();
    }

    /** Ends the idle wait of every watched connection within {@code linger}; returns how many were idle. */
    public int closeIdleSoon(Duration linger) {
        return (int) watched.stream().filter(c -> c.closeSoonIfIdle(linger)).count();
    }

    /** Closes every watched connection, whatever it is doing; returns how many there were. */
    public int closeAll() {
        int open = watched.size();
        watched.forEach(Connection::close);
        return open;
    }

    /** Passes that failed with an unexpected error; the next tick runs as usual. */
    public long failedPasses() {
        return failedPasses.get();
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(tickMillis);
                pass(System.nanoTime());
            }
        } catch (InterruptedException stop) {
            // close() asked us to stop
        } catch (Throwable e) {
            if (died == null) {
                System.err.println(thread.getName() + " died (" + e + "): deadlines no longer run");
            } else {
                died.accept(thread.getName(), e);
            }
        }
    }

    /** One look at every deadline. One connection's failure must not stop the deadlines of all the others. */
    void pass(long now) {
        for (Connection c : watched) {
            try {
                c.expireIfDue(now);
            } catch (RuntimeException | Error e) {
                ErrorMap.rethrowIfFatal(e);
                if (failedPasses.getAndIncrement() == 0) { // said once: a repeating error must not flood stderr
                    System.err.println("echo-watchdog: a deadline check failed and was skipped (counted from now): "
                            + e);
                }
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
