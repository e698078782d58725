package dev.trustctl.fuzz;

import dev.trustctl.testing.StrictJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fuzz server's log, followed as it grows: every line is parsed by {@link StrictJson} (one that is not a
 * whole JSON object is kept as broken), and the events are indexed by {@code conn_id}, with {@code conn_close}
 * lines queued per {@code peer} so a session finds its own close by its local port.
 */
final class ServerLog implements AutoCloseable {
    private final Path file;
    private final Thread follower;
    private volatile boolean stopped;
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final List<String> broken = new ArrayList<>();
    private final Map<String, Deque<Map<String, Object>>> closesByPeer = new HashMap<>();
    private final Map<Long, List<Map<String, Object>>> byConnection = new HashMap<>();

    ServerLog(Path file) {
        this.file = file;
        this.follower = new Thread(this::follow, "fuzz-log-follower");
        follower.setDaemon(true);
        follower.start();
    }

    private void follow() {
        long at = 0;
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        // Once stopped, one more look that finds nothing new ends it: the server has exited by then, so that look
        // has read the whole file.
        for (boolean last = false; !last; ) {
            try {
                last = stopped;
                boolean grew = false;
                if (Files.exists(file)) {
                    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                        in.seek(at);
                        for (int n; (n = in.read(buf)) > 0; at += n) {
                            grew = true;
                            for (int i = 0; i < n; i++) {
                                if (buf[i] == '\n') {
                                    add(partial.toString(StandardCharsets.UTF_8));
                                    partial.reset();
                                } else {
                                    partial.write(buf[i]);
                                }
                            }
                        }
                    }
                }
                if (grew) {
                    last = false;
                } else if (!last) {
                    Thread.sleep(20); // a file gives no wake-up: look again shortly
                }
            } catch (IOException e) {
                synchronized (this) {
                    broken.add("cannot read " + file + ": " + e);
                }
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
        if (partial.size() > 0) {
            synchronized (this) {
                broken.add(partial.toString(StandardCharsets.UTF_8) + "  <- the last line has no newline");
            }
        }
    }

    private synchronized void add(String line) {
        Map<String, Object> event;
        try {
            event = StrictJson.object(line);
        } catch (IllegalArgumentException e) {
            broken.add(line + "  <- " + e.getMessage());
            return;
        }
        events.add(event);
        if (event.get("conn_id") instanceof Number id) {
            byConnection.computeIfAbsent(id.longValue(), k -> new ArrayList<>()).add(event);
        }
        if ("conn_close".equals(event.get("event"))) {
            closesByPeer.computeIfAbsent(String.valueOf(event.get("peer")), k -> new ArrayDeque<>()).add(event);
        }
        notifyAll();
    }

    /** The oldest unclaimed {@code conn_close} of {@code peer}, or null. */
    synchronized Map<String, Object> peekClose(String peer) {
        Deque<Map<String, Object>> closes = closesByPeer.get(peer);
        return closes == null ? null : closes.peekFirst();
    }

    /** Takes the oldest {@code conn_close} of {@code peer}, waiting up to {@code millis} for it; null if none came. */
    synchronized Map<String, Object> takeClose(String peer, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (peekClose(peer) == null) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
        return closesByPeer.get(peer).pollFirst();
    }

    synchronized List<Map<String, Object>> ofConnection(long connId) {
        return List.copyOf(byConnection.getOrDefault(connId, List.of()));
    }

    synchronized List<Map<String, Object>> named(String name) {
        return events.stream().filter(e -> name.equals(e.get("event"))).toList();
    }

    /** Waits up to {@code millis} for an event of this name. */
    synchronized Map<String, Object> await(String name, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (named(name).isEmpty()) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
        return named(name).get(0);
    }

    synchronized int lines() {
        return events.size() + broken.size();
    }

    synchronized List<String> broken() {
        return List.copyOf(broken);
    }

    /** Stops following once the whole file is read; call it when the server has exited. */
    @Override
    public void close() {
        stopped = true;
        try {
            follower.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
