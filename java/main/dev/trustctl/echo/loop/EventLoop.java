package dev.trustctl.echo.loop;

import dev.trustctl.echo.Admission;
import dev.trustctl.echo.ConnectionEvents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import dev.trustctl.log.Log;
import dev.trustctl.wire.Closing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event-loop thread: a Selector, the connections registered with it, one read buffer they all share, and
 * the {@link DeadlineList} that times them out (the select waits no longer than the first deadline). Other
 * threads talk to it only through {@link #execute}; everything else runs on the loop thread alone, so no
 * connection needs a lock. A failed pass is logged and counted, and the loop goes on.
 */
final class EventLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("echo");

    private final Selector selector;
    private final Thread thread;
    private final long timeoutNanos;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final BufferPool pool = new BufferPool();
    private ByteBuffer readBuffer = pool.take(BufferPool.LARGE);
    private final DeadlineList deadlines = new DeadlineList();
    private final DeadlineList lingering = new DeadlineList();
    private volatile boolean running = true;
    private boolean stopping;
    private long lingerNanos; // at a stop: how long an idle connection may still start a message
    private LoopAcceptor pausedAcceptor; // backing off after a failed accept, until acceptResumesAt
    private long acceptResumesAt;
    private volatile long failedPasses;

    EventLoop(String name, Duration timeout) throws IOException {
        this.selector = Selector.open();
        this.timeoutNanos = timeout.toNanos();
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Runs {@code task} on the loop thread, soon. Safe from any thread. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Runs {@code task} on the loop thread and returns its answer; -1 if the loop is gone. */
    CompletableFuture<Integer> ask(java.util.function.IntSupplier task) {
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        if (!running) {
            answer.complete(-1);
            return answer;
        }
        execute(() -> answer.complete(task.getAsInt()));
        return answer;
    }

    @Override
    public void run() {
        Log.neverWaitOnThisThread(); // a full log queue drops this loop's line (counted) rather than stall its clients
        while (running) {
            try {
                pass();
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                // One bad pass must not stop every client on this loop: count it, say it, go on.
                failedPasses++;
                LOG.atError().setMessage("loop_error").addKeyValue("loop", thread.getName())
                        .addKeyValue("failed_passes", failedPasses).addKeyValue("error", e.toString()).log();
            }
        }
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof LoopConnection c) {
                c.close("server_stop");
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // the loop is over either way
        }
    }

    private void pass() throws IOException {
        long wait = millisToFirstDeadline();
        if (!tasks.isEmpty()) {
            selector.selectNow(this::onReady);
        } else {
            selector.select(this::onReady, wait);
        }
        runTasks();
        expireDue(deadlines, false);
        expireDue(lingering, true);
        if (pausedAcceptor != null && System.nanoTime() - acceptResumesAt >= 0) {
            LoopAcceptor acceptor = pausedAcceptor;
            pausedAcceptor = null;
            acceptor.resume();
        }
    }

    /** Registers the listening socket with this loop (on its thread); if that fails, the server cannot serve. */
    void listen(ServerSocketChannel listener, LoopAcceptor acceptor, Admission admission) {
        try {
            acceptor.listen(listener.register(selector, SelectionKey.OP_ACCEPT));
        } catch (IOException | RuntimeException e) {
            // Closed already (a stop right at the start), or no room: each accept error is said as such.
            admission.acceptFailed(e, 0);
        }
    }

    /** Stops {@code acceptor} for {@code millis}; the pass after that resumes it. */
    void resumeAcceptingIn(LoopAcceptor acceptor, long millis) {
        pausedAcceptor = acceptor;
        acceptResumesAt = System.nanoTime() + millis * 1_000_000;
    }

    private void onReady(SelectionKey key) {
        if (key.attachment() instanceof LoopAcceptor acceptor) {
            if (key.isValid() && key.isAcceptable()) {
                acceptor.onAcceptable();
            }
            return;
        }
        if (!(key.attachment() instanceof LoopConnection c)) {
            // register() gives every key its connection or cancels it; should one slip through, never spin on it.
            key.cancel();
            Closing.quietly(key.channel());
            return;
        }
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isWritable()) {
                c.onWritable();
            } else if (key.isReadable()) {
                c.onReadable();
            }
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            c.fail(e); // this client only: the error map says what it was
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /** How long the select may wait: until the first deadline (at least 1 ms), or for ever (0) if none. */
    private long millisToFirstDeadline() {
        long now = System.nanoTime();
        long first = Math.min(nanosUntilFirst(deadlines, now), nanosUntilFirst(lingering, now));
        if (pausedAcceptor != null) {
            first = Math.min(first, Math.max(0, acceptResumesAt - now));
        }
        return first == Long.MAX_VALUE ? 0 : Math.max(1, (first + 999_999) / 1_000_000);
    }

    private static long nanosUntilFirst(DeadlineList list, long now) {
        LoopConnection c = list.first();
        return c == null ? Long.MAX_VALUE : Math.max(0, c.deadline - now);
    }

    private void expireDue(DeadlineList list, boolean lingered) {
        long now = System.nanoTime();
        LoopConnection c;
        while ((c = list.first()) != null && c.deadline - now <= 0) {
            list.remove(c);
            c.expire(lingered);
        }
    }

    /** Registers an accepted client (on the loop thread) and starts its idle deadline. */
    void register(SocketChannel client, ConnectionEvents events, Runnable done) {
        SelectionKey key = null;
        LoopConnection c;
        try {
            client.configureBlocking(false);
            key = client.register(selector, SelectionKey.OP_READ);
            c = new LoopConnection(this, client, key, events, done);
            key.attach(c);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            // Not taken over: closed here, logged like any connection, and its slot given back.
            if (key != null) {
                key.cancel();
            }
            Closing.quietly(client);
            events.opened();
            events.closed(events.failed(e));
            done.run();
            return;
        }
        events.opened();
        if (stopping) {
            lingering.renew(c, System.nanoTime() + lingerNanos);
        } else {
            renewDeadline(c);
        }
    }

    /** The connection's current phase starts now: it must end within one timeout. */
    void renewDeadline(LoopConnection c) {
        deadlines.renew(c, System.nanoTime() + timeoutNanos);
    }

    void forget(LoopConnection c) {
        if (c.list != null) {
            c.list.remove(c);
        }
    }

    /** At a stop (on the loop thread): idle connections close within {@code linger}; returns how many. */
    int closeIdleSoon(Duration linger) {
        stopping = true;
        lingerNanos = linger.toNanos();
        long until = System.nanoTime() + lingerNanos;
        int idle = 0;
        for (LoopConnection c : connections()) {
            if (c.isIdle()) {
                lingering.renew(c, until);
                idle++;
            }
        }
        return idle;
    }

    /** Closes every connection (on the loop thread); returns how many there were. */
    int closeAll() {
        List<LoopConnection> all = connections();
        for (LoopConnection c : all) {
            c.close("server_stop");
        }
        return all.size();
    }

    private List<LoopConnection> connections() {
        List<LoopConnection> all = new ArrayList<>();
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof LoopConnection c) {
                all.add(c);
            }
        }
        return all;
    }

    /** Ends the loop thread, closing whatever is still open, and waits for it (at most {@code bound}). */
    void shutdown(Duration bound) {
        running = false;
        selector.wakeup();
        try {
            thread.join(bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long failedPasses() {
        return failedPasses;
    }

    boolean stopping() {
        return stopping;
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** Hands the read buffer, as it is, to a connection that keeps what it holds; the loop takes a fresh one. */
    ByteBuffer takeReadBuffer() {
        ByteBuffer taken = readBuffer;
        readBuffer = pool.take(BufferPool.LARGE);
        return taken;
    }

    BufferPool pool() {
        return pool;
    }

    long timeoutMillis() {
        return timeoutNanos / 1_000_000;
    }
}
