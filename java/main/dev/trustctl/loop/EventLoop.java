package dev.trustctl.loop;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.log.NeverWaitingThread;
import dev.trustctl.proto.Protocol;
import dev.trustctl.server.Admission;
import dev.trustctl.server.Engine;
import dev.trustctl.wire.Closing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
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
final class EventLoop implements Runnable, Executor {
    private static final Logger LOG = LoggerFactory.getLogger("echo");

    static final long MAX_PASS_BACKOFF_MS = 1000;
    private static final int CLOCK_REUSE = 64;

    final Selector selector;
    final Thread thread;
    private final Protocol.Factory protocols;
    private final Engine.Fatal fatal;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** The connections that used up their share of this pass: each goes on in the next one. */
    final ArrayDeque<LoopSession> later = new ArrayDeque<>();
    final BufferPool pool = new BufferPool();
    ByteBuffer readBuffer = pool.take(BufferPool.LARGE);
    /** A phase of a message (one timeout), a stop's linger for an idle connection, a graceful close's drain. */
    final DeadlineList phases = new DeadlineList();
    final DeadlineList lingering = new DeadlineList(); // its length is set by a stop
    final DeadlineList draining = new DeadlineList();
    boolean stopping; // the server stops: a connection between messages closes within the linger
    private volatile boolean running = true;
    private volatile boolean ended; // the thread left its loop: a task queued now runs on the caller's thread
    volatile long passBackoffMillis; // after failed passes in a row: the pause before the next
    volatile long failedPasses;
    private long clock;       // System.nanoTime() as last read for renewing deadlines
    private int clockUses;    // renewals since

    EventLoop(String name, Duration timeout, Duration drain, Protocol.Factory protocols, Engine.Fatal fatal)
            throws IOException {
        this.selector = Selector.open();
        phases.nanos = timeout.toNanos();
        draining.nanos = drain.toNanos();
        this.protocols = protocols;
        this.fatal = fatal;
        // a full log queue drops this loop's line (counted) rather than stall its clients
        this.thread = new NeverWaitingThread(this, name);
        thread.setDaemon(true);
    }

    /**
     * Runs {@code task} on the loop thread, soon. Safe from any thread. Once the loop has ended, a task still
     * runs, on the caller's thread, and finds the loop gone: a client it registers is closed, not leaked.
     */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (ended) {
            runTasks(); // the loop thread drained the queue as it left; this one came after
        } else {
            selector.wakeup();
        }
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
                    Thread.sleep(backoff); // interrupted: the loop ends, and the server is told
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
        Closing.quietly(selector);
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
        for (int n = later.size(); n > 0; n--) {
            later.poll().onReady(LoopSession.RESUME); // each goes on once more, if it is still open
        }
        expireDue(phases);
        expireDue(lingering);
        expireDue(draining);
    }

    private void onReady(SelectionKey key) {
        if (!key.isValid()) {
            return; // its connection was closed earlier in this pass
        }
        if (key.attachment() instanceof LoopSession c) {
            c.onReady(key.readyOps());
        } else {
            ((LoopEngine) key.attachment()).accept(key); // the listener: it waits for OP_ACCEPT alone
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
        long first = Math.min(phases.nanosToFirst(now),
                Math.min(lingering.nanosToFirst(now), draining.nanosToFirst(now)));
        return first == Long.MAX_VALUE ? 0 : Math.max(1, (first + 999_999) / 1_000_000);
    }

    private void expireDue(DeadlineList list) {
        long now = System.nanoTime();
        LoopSession c;
        while ((c = list.first()) != null && c.deadline - now <= 0) {
            c.unlink();
            try {
                c.expire(list);
            } catch (RuntimeException | Error e) {
                c.fail(e);
            }
        }
    }

    /** Registers an accepted client (on the loop thread) and starts its idle deadline. */
    void register(Admission.Admitted admitted) {
        SocketChannel client = admitted.client();
        LoopSession c;
        try {
            if (ended) {
                throw new IOException("the event loop has stopped");
            }
            client.configureBlocking(false);
            c = new LoopSession(this, client, admitted, protocols);
            c.key = client.register(selector, SelectionKey.OP_READ, c);
        } catch (IOException | RuntimeException | Error e) {
            // Not taken over: closed here (which cancels its key), logged like any connection, its slot given back.
            Closing.quietly(client);
            admitted.events().opened();
            admitted.events().closed(admitted.events().failed(e));
            admitted.done().run();
            ErrorMap.rethrowIfFatal(e);
            return;
        }
        try {
            c.protocol.open(); // logged, and its idle deadline (at a stop, its linger) runs
        } catch (RuntimeException | Error e) {
            c.fail(e);
        }
    }

    /**
     * {@code c}'s wait on {@code list} starts now. "Now" is read once for up to {@value #CLOCK_REUSE} renewals
     * within a pass: a deadline may start a few microseconds early, and a round trip saves two clock reads.
     */
    void renew(LoopSession c, DeadlineList list) {
        if (++clockUses > CLOCK_REUSE) {
            clock = System.nanoTime();
            clockUses = 1;
        }
        list.renew(c, clock);
    }

    /** At a stop (on the loop thread): idle connections close within {@code linger}; returns how many. */
    int closeIdleSoon(Duration linger) {
        stopping = true;
        lingering.nanos = linger.toNanos();
        List<LoopSession> idle = connections().stream().filter(c -> c.protocol.isIdle()).toList();
        idle.forEach(c -> renew(c, lingering));
        return idle.size();
    }

    /** Closes every connection (on the loop thread); returns how many there were. */
    int closeAll() {
        List<LoopSession> all = connections();
        all.forEach(LoopSession::stopNow);
        return all.size();
    }

    private List<LoopSession> connections() {
        return selector.keys().stream().filter(SelectionKey::isValid).map(SelectionKey::attachment)
                .filter(LoopSession.class::isInstance).map(LoopSession.class::cast).toList();
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
}
