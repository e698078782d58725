package dev.trustctl.wire;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One daemon thread that enforces every {@link Connection}'s deadline by closing the connection when it
 * passes. It wakes every {@code tick}, so a deadline fires up to one tick late: the tick is a tenth of the
 * timeout, between 5 and 100 ms. One thread and no fd per connection, unlike a Selector per connection.
 */
public final class Watchdog implements AutoCloseable {
    private final Set<Connection> watched = ConcurrentHashMap.newKeySet();
    private final long tickMillis;
    private final Thread thread;

    public Watchdog(Duration timeout, String name) {
        this.tickMillis = Math.max(5, Math.min(100, timeout.toMillis() / 10));
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    void watch(Connection c) {
        watched.add(c);
    }

    void forget(Connection c) {
        watched.remove(c);
    }

    /** How many connections are open and watched now. */
    public int size() {
        return watched.size();
    }

    /** Ends the idle wait of every watched connection within {@code linger}; returns how many were idle. */
    public int closeIdleSoon(Duration linger) {
        int idle = 0;
        for (Connection c : watched) {
            if (c.closeSoonIfIdle(linger)) {
                idle++;
            }
        }
        return idle;
    }

    /** Closes every watched connection, whatever it is doing. */
    public void closeAll() {
        watched.forEach(Connection::close);
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(tickMillis);
                long now = System.nanoTime();
                for (Connection c : watched) {
                    c.expireIfDue(now);
                }
            }
        } catch (InterruptedException stop) {
            // close() asked us to stop
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
