package dev.trustctl.loop;

import dev.trustctl.server.Admission;
import dev.trustctl.server.Engine;
import dev.trustctl.errors.ErrorMap;
import dev.trustctl.log.NeverWaitingThread;
import dev.trustctl.proto.Protocol;
import dev.trustctl.wire.Closing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event-loop thread: a Selector, the connections registered with it, one read buffer they all share, and
 * the {@link DeadlineList}s that time them out (the select waits no longer than the first deadline). Other
 * threads talk to it only through {@link #execute}; everything else runs on the loop thread alone, so no
 * connection needs a lock. A failed pass is logged and counted, and the next one waits a little longer
 * (1 ms doubling to 1 s) so a failure that repeats cannot spin a core; the loop goes on. Only a fatal error
 * ends it: then its teardown still closes every connection, and the server is told ({@link Engine.Fatal}).
 */
final class EventLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("echo");

    static final long MAX_PASS_BACKOFF_MS = 1000;
    private static final int CLOCK_REUSE = 64;

    private final Selector selector;
    private final Thread thread;
    private final long timeoutNanos;
    private final long drainNanos;
    private final Protocol.Factory protocols;
    private final Engine.Fatal fatal;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<LoopSession> later = new ArrayDeque<>();
    private final BufferPool pool = new BufferPool();
    private ByteBuffer readBuffer = pool.take(BufferPool.LARGE);
    private final DeadlineList deadlines = new DeadlineList(DeadlineList.Kind.PHASE);
    private final DeadlineList lingering = new DeadlineList(DeadlineList.Kind.LINGER);
    private final DeadlineList draining = new DeadlineList(DeadlineList.Kind.DRAIN);
    private volatile boolean running = true;
    private volatile boolean ended; // the thread left its loop: a task queued now runs on the caller's thread
    private boolean stopping;
    private long lingerNanos; // at a stop: how long an idle connection may still start a message
    private volatile long passBackoffMillis; // after failed passes in a row: the pause before the next
    private long clock;       // System.nanoTime() as last read for renewing deadlines
    private int clockUses;    // renewals since
    private LoopAcceptor pausedAcceptor; // backing off after a failed accept, until acceptResumesAt
    private long acceptResumesAt;
    private volatile long failedPasses;

    EventLoop(String name, Duration timeout, Duration drain, Protocol.Factory protocols, Engine.Fatal fatal)
            throws IOException {
        this.selector = Selector.open();
        this.timeoutNanos = timeout.toNanos();
        this.drainNanos = drain.toNanos();
        this.protocols = protocols;
        this.fatal = fatal;
        // a full log queue drops this loop's line (counted) rather than stall its clients
        this.thread = new NeverWaitingThread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Runs {@code task} on the loop thread, soon. Safe from any thread. Once the loop has ended, a task still
     * runs, on the caller's thread, and finds the loop stopping: a client it registers is closed, not leaked.
     */
    void execute(Runnable task) {
        tasks.add(task);
        if (ended) {
            runTasks(); // the loop thread drained the queue as it left; this one came after
        } else {
            selector.wakeup();
        }
    }

    /** Runs {@code task} on the loop thread and returns its answer; -1 if the loop is gone. */
    CompletableFuture<Integer> ask(IntSupplier task) {
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
        Throwable death = null;
        try {
            while (running) {
                try {
                    pass();
                    if (passBackoffMillis != 0) {
                        passBackoffMillis = 0; // a volatile write only after a failure, not every pass
                    }
                } catch (IOException | RuntimeException | Error e) {
                    ErrorMap.rethrowIfFatal(e);
                    // One bad pass must not stop every client on this loop: count it, say it, wait a little, go on.
                    long backoff = passBackoffMillis == 0 ? 1 : Math.min(2 * passBackoffMillis, MAX_PASS_BACKOFF_MS);
                    passBackoffMillis = backoff;
                    failedPasses++;
                    LOG.atError().setMessage("loop_error").addKeyValue("loop", thread.getName())
                            .addKeyValue("failed_passes", failedPasses).addKeyValue("backoff_ms", backoff)
                            .addKeyValue("error", e.toString()).log();
                    pause(backoff);
                }
            }
        } catch (Throwable e) {
            death = e;
        } finally {
            tearDown();
        }
        if (death != null) {
            fatal.died(thread.getName(), death);
        }
    }

    /** However the loop ended: every connection closed and logged, queued clients closed, the selector closed. */
    private void tearDown() {
        running = false;
        stopping = true;
        for (LoopSession c : connections()) {
            try {
                c.stopNow();
            } catch (Throwable e) {
                // the next one is closed all the same
            }
        }
        ended = true;
        try {
            runTasks(); // what was queued while the loop was leaving: a register now closes its client
        } catch (Throwable e) {
            // a task's failure must not keep the selector open
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // the loop is over either way
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    /** The pause the next failed pass would be followed by now, for tests. */
    long passBackoffMillis() {
        return passBackoffMillis;
    }

    private void pass() throws IOException {
        long wait = millisToFirstDeadline();
        clockUses = CLOCK_REUSE; // the next deadline renewed reads the clock afresh
        if (!tasks.isEmpty() || !later.isEmpty()) {
            selector.selectNow(this::onReady);
        } else {
            selector.select(this::onReady, wait);
        }
        runTasks();
        runLater();
        expireDue(deadlines);
        expireDue(lingering);
        expireDue(draining);
        if (pausedAcceptor != null && System.nanoTime() - acceptResumesAt >= 0) {
            LoopAcceptor acceptor = pausedAcceptor;
            pausedAcceptor = null;
            acceptor.resume();
        }
    }

    /** Registers the listening socket with this loop (on its thread); if that fails, the server cannot serve. */
    void listen(ServerSocketChannel listener, LoopAcceptor acceptor) throws IOException {
        acceptor.listen(listener.register(selector, SelectionKey.OP_ACCEPT));
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
        if (!(key.attachment() instanceof LoopSession c)) {
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
        } catch (IOException | RuntimeException | Error e) {
            c.fail(e); // this client only: the error map says what it was
            ErrorMap.rethrowIfFatal(e);
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /** The connections that used up their share of the last pass go on, each once more. */
    private void runLater() {
        for (int n = later.size(); n > 0; n--) {
            LoopSession c = later.poll();
            if (!c.isClosed()) {
                try {
                    c.resume();
                } catch (IOException | RuntimeException | Error e) {
                    c.fail(e);
                    ErrorMap.rethrowIfFatal(e);
                }
            }
        }
    }

    /** {@code c} has more to do but has had its share of this pass: it goes on in the next one. */
    void later(LoopSession c) {
        later.add(c);
    }

    /** How long the select may wait: until the first deadline (at least 1 ms), or for ever (0) if none. */
    private long millisToFirstDeadline() {
        long now = System.nanoTime();
        long first = Math.min(nanosUntilFirst(deadlines, now),
                Math.min(nanosUntilFirst(lingering, now), nanosUntilFirst(draining, now)));
        if (pausedAcceptor != null) {
            first = Math.min(first, Math.max(0, acceptResumesAt - now));
        }
        return first == Long.MAX_VALUE ? 0 : Math.max(1, (first + 999_999) / 1_000_000);
    }

    private static long nanosUntilFirst(DeadlineList list, long now) {
        LoopSession c = list.first();
        return c == null ? Long.MAX_VALUE : Math.max(0, c.deadline - now);
    }

    private void expireDue(DeadlineList list) {
        long now = System.nanoTime();
        LoopSession c;
        while ((c = list.first()) != null && c.deadline - now <= 0) {
            list.remove(c);
            try {
                c.expire(list.kind);
            } catch (RuntimeException | Error e) {
                c.fail(e);
                ErrorMap.rethrowIfFatal(e);
            }
        }
    }

    /** Registers an accepted client (on the loop thread) and starts its idle deadline. */
    void register(Admission.Admitted admitted) {
        SocketChannel client = admitted.client();
        SelectionKey key = null;
        LoopSession c;
        try {
            if (ended) {
                throw new IOException("the event loop has stopped");
            }
            client.configureBlocking(false);
            key = client.register(selector, SelectionKey.OP_READ);
            SelectionKey registered = key;
            c = new LoopSession(this, client, new LoopSession.Registration() {
                @Override
                public void interest(int ops) {
                    registered.interestOps(ops);
                }

                @Override
                public void cancel() {
                    registered.cancel();
                }
            }, admitted, protocols);
            key.attach(c);
        } catch (IOException | RuntimeException | Error e) {
            // Not taken over: closed here, logged like any connection, and its slot given back.
            if (key != null) {
                key.cancel();
            }
            Closing.quietly(client);
            admitted.events().opened();
            admitted.events().closed(admitted.events().failed(e));
            admitted.done().run();
            ErrorMap.rethrowIfFatal(e);
            return;
        }
        try {
            c.open();
        } catch (RuntimeException | Error e) {
            c.fail(e);
            ErrorMap.rethrowIfFatal(e);
        }
    }

    /** At a stop: an idle connection may still start a message within the linger, else it is closed. */
    void linger(LoopSession c) {
        lingering.renew(c, System.nanoTime() + lingerNanos);
    }

    /** A graceful close has begun: the peer gets the drain to close too, then it is closed anyway. */
    void drain(LoopSession c) {
        draining.renew(c, System.nanoTime() + drainNanos);
    }

    /**
     * The connection's current phase starts now: it must end within one timeout. "Now" is read once for up to
     * {@value #CLOCK_REUSE} renewals within a pass: a deadline may start a few microseconds early, and a
     * round trip saves two clock reads.
     */
    void renewDeadline(LoopSession c) {
        if (++clockUses > CLOCK_REUSE) {
            clock = System.nanoTime();
            clockUses = 1;
        }
        deadlines.renew(c, clock + timeoutNanos);
    }

    void forget(LoopSession c) {
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
        for (LoopSession c : connections()) {
            if (c.isIdle()) {
                lingering.renew(c, until);
                idle++;
            }
        }
        return idle;
    }

    /** Closes every connection (on the loop thread); returns how many there were. */
    int closeAll() {
        List<LoopSession> all = connections();
        for (LoopSession c : all) {
            c.stopNow();
        }
        return all.size();
    }

    private List<LoopSession> connections() {
        List<LoopSession> all = new ArrayList<>();
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof LoopSession c) {
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
