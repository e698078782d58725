package dev.trustctl.threads;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.proto.Protocol;
import dev.trustctl.server.Admission;
import dev.trustctl.server.Engine;
import dev.trustctl.wire.Connection;
import dev.trustctl.wire.Watchdog;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The week-2 engine ({@code --io threads}): one accept loop, and each client gets its own thread, which serves it
 * with blocking recv_exact and send_exact ({@link BlockingSession}); one {@link Watchdog} thread enforces every
 * deadline. Simple to read, but each client costs a thread and its stack, and a message costs a context switch.
 * {@code --io virtual} is this same engine on virtual threads ({@link VirtualThreads}): the same blocking code, a
 * cheap thread per client.
 */
public final class ThreadEngine implements Engine {
    private final Duration timeout;
    private final Duration drain;
    private final Protocol.Factory protocols;
    private final BooleanSupplier stopping;
    private final Fatal fatal;
    private final Watchdog watchdog;
    private final ExecutorService workers;

    /** One pooled platform thread per client. */
    public ThreadEngine(Duration timeout, Duration drain, Protocol.Factory protocols, BooleanSupplier stopping,
            Fatal fatal) {
        this(timeout, drain, protocols, stopping, fatal, pooledPlatformThreads());
    }

    /** The same engine, each client's session run as one task of {@code workers} (shut down with the engine). */
    public ThreadEngine(Duration timeout, Duration drain, Protocol.Factory protocols, BooleanSupplier stopping,
            Fatal fatal, ExecutorService workers) {
        this.timeout = timeout;
        this.drain = drain;
        this.protocols = protocols;
        this.stopping = stopping;
        this.fatal = fatal;
        this.watchdog = new Watchdog(timeout, "echo-watchdog", fatal::died);
        this.workers = workers;
    }

    /** Threads are reused across clients and end after 10 s unused; the server's client limit bounds them. */
    private static ExecutorService pooledPlatformThreads() {
        AtomicLong threadIds = new AtomicLong();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "echo-conn-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The accept loop runs as one more task of the workers (on virtual threads it costs no OS thread either) until
     * the listener is closed. Only a fatal error ends it otherwise, and then the server ends too.
     */
    @Override
    public void start(ServerSocketChannel listener, Admission admission) {
        workers.execute(() -> {
            try {
                acceptUntilClosed(listener, admission);
            } catch (Throwable e) {
                fatal.died(Thread.currentThread().getName(), e);
            }
        });
    }

    /** Accept, admit, hand over; after a failure it sleeps as the {@link Admission} says: it never spins. */
    private void acceptUntilClosed(ServerSocketChannel listener, Admission admission) {
        long backoff = 0;
        while (listener.isOpen()) {
            try {
                SocketChannel client = listener.accept();
                backoff = 0;
                Admission.Admitted admitted = admission.admit(client);
                if (admitted != null) {
                    serve(admitted, admission);
                }
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException | OutOfMemoryError e) {
                // A failed accept (EMFILE...), or no thread or memory for a client (closed): a pause, not a new loop.
                backoff = admission.acceptFailed(e, backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt(); // the next accept fails: the loop ends
                }
            }
        }
    }

    /** The client's own thread serves it; if it cannot be had, the client is refused (closed, logged). */
    private void serve(Admission.Admitted admitted, Admission admission) {
        Connection conn = null;
        try {
            conn = new Connection(admitted.client(), timeout, watchdog);
            Protocol.Context context = admitted.context(conn::startPhase, stopping, timeout.toMillis());
            workers.execute(new BlockingSession(conn, admitted, protocols, context, drain, fatal));
        } catch (RuntimeException | Error e) {
            if (conn != null) {
                conn.close();
            }
            ErrorMap.rethrowIfFatal(e);
            admission.refuse(admitted, e);
        }
    }

    @Override
    public int closeIdleSoon(Duration linger) {
        return watchdog.closeIdleSoon(linger);
    }

    @Override
    public int closeAll() {
        return watchdog.closeAll();
    }

    @Override
    public long failedPasses() {
        return watchdog.failedPasses();
    }

    /** The listener is closed, so its accept has returned: every task ends now, or is abandoned as a daemon. */
    @Override
    public void shutdown() {
        workers.shutdown();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.close();
    }
}
