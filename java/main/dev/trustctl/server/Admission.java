package dev.trustctl.server;

import dev.trustctl.display.ServerTrace;

import dev.trustctl.errors.Action;
import dev.trustctl.errors.ErrorMap;
import dev.trustctl.log.FloodVerdict;
import dev.trustctl.proto.PhaseTimer;
import dev.trustctl.proto.Protocol;
import dev.trustctl.proto.ProtocolEvents;
import dev.trustctl.wire.Closing;
import dev.trustctl.display.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * What happens to a freshly accepted client whoever called accept(): the blocking accept thread of the threads
 * engine, or an event loop. Past the client limit it is closed at once ({@code conn_rejected}); otherwise it takes
 * a slot, gets TCP_NODELAY, its bounded send buffer ({@link ServerSettings#SOCKET_SEND_BUFFER}) and its
 * {@link ConnectionEvents}. Accept errors are counted, logged and answered with a back-off of 5 ms doubling to
 * 1 s, so no acceptor ever dies or spins.
 */
public final class Admission {
    private static final Logger LOG = LoggerFactory.getLogger("echo");
    private static final long FIRST_BACKOFF_MS = 5;
    private static final long MAX_BACKOFF_MS = 1000;

    /** An admitted client: its id and peer, its events, and what gives its slot back once it is closed. */
    public record Admitted(SocketChannel client, long id, String peer, ProtocolEvents events, Runnable done,
                           HeldBytes held) {
        /** What its protocol is given: this client, and the engine's clock and stop flag. */
        public Protocol.Context context(PhaseTimer timer, BooleanSupplier stopping, long timeoutMillis) {
            return new Protocol.Context(id, peer, events, timer, stopping, timeoutMillis);
        }
    }

    private final int maxClients;
    final Semaphore slots; // one per client being served: all back once every connection is closed and logged
    final ServerStats stats = new ServerStats();
    private final String runId;
    private final AtomicLong connIds = new AtomicLong();
    private final ServerTrace trace; // null unless --trace
    private final FloodVerdict verdict;
    private final HeldBytes held;

    Admission(int maxClients, String runId, ServerTrace trace, FloodVerdict verdict, HeldBytes held) {
        this.maxClients = maxClients;
        this.slots = new Semaphore(maxClients);
        this.runId = runId;
        this.trace = trace;
        this.verdict = verdict;
        this.held = held;
    }

    /**
     * Admits {@code client}, or closes it and returns null: past the limit, or when it cannot even be set up.
     * An {@link OutOfMemoryError} is thrown on after the client is closed: the acceptor should back off.
     */
    public Admitted admit(SocketChannel client) {
        String peer = peerOf(client);
        if (!slots.tryAcquire()) {
            stats.rejected.increment();
            LOG.atWarn().setMessage("conn_rejected").addKeyValue("run_id", runId).addKeyValue("peer", peer)
                    .addKeyValue("max_clients", maxClients).log();
            Closing.quietly(client);
            if (trace != null) {
                trace.rejected(peer, maxClients);
            }
            return null;
        }
        stats.accepted.increment();
        try {
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client.setOption(StandardSocketOptions.SO_SNDBUF, ServerSettings.SOCKET_SEND_BUFFER);
            long id = connIds.incrementAndGet();
            return new Admitted(client, id, peer, new ConnectionEvents(id, peer, runId, stats, verdict, trace),
                    slots::release, held);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            refuse(client, peer, e);
            return null;
        }
    }

    /** A client admitted but not taken over after all (its engine could not): closed, logged, slot given back. */
    public void refuse(Admitted admitted, Throwable e) {
        refuse(admitted.client(), peerOf(admitted.client()), e);
    }

    private void refuse(SocketChannel client, String peer, Throwable e) {
        slots.release();
        Closing.quietly(client);
        ErrorMap.Row row = ErrorMap.classify(e);
        LoggingEventBuilder line = LOG.atWarn().setMessage("conn_error").addKeyValue("run_id", runId)
                .addKeyValue("peer", peer).addKeyValue("errno", row.errno())
                .addKeyValue("action", Action.CLOSE_CONNECTION.label());
        ErrorMap.withFields(line, row, e).log();
        if (e instanceof OutOfMemoryError oom) {
            throw oom;
        }
    }

    /** Counts and logs a failed accept (EMFILE and the like); returns how long to pause before the next one. */
    public long acceptFailed(Throwable e, long previousBackoffMillis) {
        stats.acceptErrors.increment();
        long next = previousBackoffMillis == 0 ? FIRST_BACKOFF_MS : Math.min(previousBackoffMillis * 2, MAX_BACKOFF_MS);
        ErrorMap.Row row = ErrorMap.classify(e);
        LoggingEventBuilder line = LOG.atWarn().setMessage("accept_error").addKeyValue("run_id", runId)
                .addKeyValue("errno", row.errno()).addKeyValue("action", Action.BACK_OFF.label())
                .addKeyValue("backoff_ms", next);
        ErrorMap.withFields(line, row, e).log();
        return next;
    }

    /** Waits until every client slot is back, that is every connection closed and logged. */
    boolean allBackWithin(Duration bound) {
        try {
            if (slots.tryAcquire(maxClients, bound.toMillis(), TimeUnit.MILLISECONDS)) {
                slots.release(maxClients);
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String peerOf(SocketChannel client) {
        try {
            return HostPort.of((InetSocketAddress) client.getRemoteAddress());
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
