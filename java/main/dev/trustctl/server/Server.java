package dev.trustctl.server;

import dev.trustctl.display.ServerTrace;

import dev.trustctl.loop.LoopEngine;
import dev.trustctl.threads.ThreadEngine;
import dev.trustctl.threads.VirtualThreads;
import dev.trustctl.errors.Action;
import dev.trustctl.errors.ErrorMap;
import dev.trustctl.log.FloodVerdict;
import dev.trustctl.log.Log;
import dev.trustctl.proto.EchoHandler;
import dev.trustctl.proto.Protocol;
import dev.trustctl.wire.Closing;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The framed server: socket, bind (SO_REUSEADDR), listen, then the {@link Engine} chosen by {@code --io} serves
 * the listener, at most {@code maxClients} at once (past that a client is accepted and closed at once, by the
 * shared {@link Admission}). What the bytes mean is each connection's {@link Protocol}'s: the echo unless told
 * otherwise. Stopping is shared too: idle clients get a short linger, messages in flight a grace. An engine thread
 * that dies ends the server: {@code server_fatal}, every connection closed, and {@link #serve()} throws.
 */
public final class Server {
    private static final Logger LOG = LoggerFactory.getLogger("echo");

    // settings, listener and admission: package-private, so this package's tests can look without reflection
    final ServerSettings settings;
    final ServerSocketChannel listener;
    private final Engine engine;
    private final String runId = Log.requestId();
    final Admission admission;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Throwable fatal; // an engine thread died of it: the server ends with an error

    private Server(ServerSettings settings, ServerSocketChannel listener, Protocol.Factory protocols,
                       ServerTrace trace, FloodVerdict verdict, HeldBytes held) throws IOException {
        this.settings = settings;
        this.listener = listener;
        this.admission = new Admission(settings.maxClients(), runId, trace, verdict, held);
        Duration drain = settings.closeDrain();
        this.engine = switch (settings.io()) {
            case LOOP -> new LoopEngine(settings.timeout(), drain, settings.loops(), protocols, this::died);
            case THREADS -> new ThreadEngine(settings.timeout(), drain, protocols, () -> stopping, this::died);
            case VIRTUAL -> new ThreadEngine(settings.timeout(), drain, protocols, () -> stopping, this::died,
                    VirtualThreads.perTask("echo-conn-"));
        };
    }

    /** Binds the listening socket of an echo server; a port in use or a forbidden one fails here. */
    public static Server bind(ServerSettings settings) throws IOException {
        return bind(settings, EchoHandler.protocol(), null, FloodVerdict.NONE);
    }

    /**
     * Binds the listening socket of a server whose connections each speak what {@code protocols} makes, said on
     * {@code trace} too (null: no trace), each asking {@code verdict} before it makes a line the flood limit would
     * hold back.
     */
    public static Server bind(ServerSettings settings, Protocol.Factory protocols, ServerTrace trace,
            FloodVerdict verdict) throws IOException {
        return bind(settings, protocols, trace, verdict, new HeldBytes(ServerSettings.MAX_HELD_BYTES));
    }

    /** The same, holding for its clients at most what {@code held} allows (a test's smaller bound). */
    static Server bind(ServerSettings settings, Protocol.Factory protocols, ServerTrace trace,
            FloodVerdict verdict, HeldBytes held) throws IOException {
        FdLimit.warnIfLow(settings); // before listening: once the port listens, start-up holds no file open
        InetSocketAddress address = new InetSocketAddress(settings.bind(), settings.port());
        if (address.isUnresolved()) {
            throw new UnknownHostException("cannot resolve bind address " + settings.bind());
        }
        Exposure.warnIfExposed(settings.bind(), address);
        // socket(): an IPv4 address gets an IPv4 socket, so ss shows 127.0.0.1:PORT, not a v4-mapped v6 address.
        ServerSocketChannel listener = ServerSocketChannel.open(address.getAddress() instanceof Inet4Address
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        Server server;
        try {
            // SO_REUSEADDR: a restart binds while the last run's connections are in TIME_WAIT. The JDK already
            // sets it on Linux; said here so it is seen, and holds wherever the JDK's default differs.
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.setOption(StandardSocketOptions.SO_RCVBUF, ServerSettings.SOCKET_RECEIVE_BUFFER);
            listener.bind(address, ServerSettings.BACKLOG); // bind() and listen() in one call
            server = new Server(settings, listener, protocols, trace, verdict, held);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        LOG.atInfo().setMessage("server_start").addKeyValue("run_id", server.runId).addKeyValue("port", server.port())
                .addKeyValue("bind", settings.bind()).addKeyValue("io", settings.io().label())
                .addKeyValue("loops", settings.io() == Io.LOOP ? settings.loops() : 0)
                .addKeyValue("timeout_ms", settings.timeout().toMillis())
                .addKeyValue("max_clients", settings.maxClients())
                .addKeyValue("pid", ProcessHandle.current().pid()).log();
        return server;
    }

    /** The port actually bound (the one asked for, or the kernel's pick for port 0). */
    public int port() {
        try {
            return ((InetSocketAddress) listener.getLocalAddress()).getPort();
        } catch (IOException e) {
            return settings.port();
        }
    }

    /**
     * Serves until {@link #stop()}; then lets messages in flight finish within the grace and returns. Throws if
     * the engine cannot serve the listener at all: logged, and the server ends with an error.
     */
    public void serve() throws IOException {
        try {
            engine.start(listener, admission);
        } catch (IOException | RuntimeException e) {
            ErrorMap.Row row = ErrorMap.classify(e);
            LoggingEventBuilder line = LOG.atError().setMessage("accept_error").addKeyValue("run_id", runId)
                    .addKeyValue("errno", row.errno()).addKeyValue("action", Action.EXIT.label());
            ErrorMap.withFields(line, row, e).log();
            stop();
            drain();
            throw new IOException("cannot accept clients on port " + settings.port() + ": " + e.getMessage(), e);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
        drain();
        Throwable cause = fatal;
        if (cause != null) {
            throw new IOException("an engine thread died, so the server stopped: " + cause, cause);
        }
    }

    /**
     * An engine thread died (a fatal error, see {@link ErrorMap#endsTheServer}): its clients would hang and the
     * process would look healthy. Logged at once; then the server stops as on SIGTERM, and {@link #serve()}
     * throws, so the command says it on stderr and the process exits non-zero.
     */
    private void died(String thread, Throwable cause) {
        if (fatal == null) {
            fatal = cause;
        }
        LOG.atError().setMessage("server_fatal").addKeyValue("run_id", runId).addKeyValue("thread", thread)
                .addKeyValue("action", Action.EXIT.label()).addKeyValue("error", cause.toString()).log();
        stop();
    }

    /** Stops accepting; {@link #serve()} then finishes what is in flight and returns. Safe from any thread. */
    public void stop() {
        stopping = true;
        Closing.quietly(listener);
        stopped.countDown();
    }

    private void drain() {
        Closing.quietly(listener);
        int idleClosed = engine.closeIdleSoon(ServerSettings.STOP_LINGER);
        int forced = admission.allBackWithin(ServerSettings.STOP_GRACE) ? 0 : engine.closeAll();
        // A forced close still logs each conn_close before server_stop.
        admission.allBackWithin(ServerSettings.STOP_GRACE);
        engine.shutdown();
        admission.stats.logStop(runId, idleClosed, forced, engine.failedPasses());
    }

    /** What a person wants after a stop: {@code 1 connection, 8 frames, 2 frames rejected, 0 timeouts, 1 error}. */
    public String summary() {
        return admission.stats.summary();
    }
}
