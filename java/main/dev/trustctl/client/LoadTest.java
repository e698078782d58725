package dev.trustctl.client;

import dev.trustctl.errors.Action;
import dev.trustctl.errors.ErrorMap;
import dev.trustctl.errors.LoadFailure;
import dev.trustctl.proto.FrameCodec;
import dev.trustctl.display.HostPort;
import dev.trustctl.wire.Watchdog;
import dev.trustctl.display.WireTrace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.HdrHistogram.SynchronizedHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Drives an echo server as {@link LoadSettings} says and checks every echoed byte. The run always ends: at the
 * deadline every open connection is closed and whatever had not finished counts as a {@code deadline} failure.
 */
public final class LoadTest {
    /** Threads that share the held connections in --hold mode; each sends on its connections in turn. */
    private static final int HOLD_THREADS = 64;
    /** Failures logged one by one; past this many only the report counts them, so a dead server floods no log. */
    static final int FAILURES_LOGGED = 20;
    private static final Logger LOG = LoggerFactory.getLogger("echo-load-test");

    private final LoadSettings settings;
    private final Progress progress;
    private final WireTrace trace;
    private final ByteBuffer frameTemplate;
    private final Set<EchoClient> open = ConcurrentHashMap.newKeySet();
    private final Map<LoadFailure, AtomicLong> failures = new EnumMap<>(LoadFailure.class);
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong sessionsDone = new AtomicLong();
    /** Sessions the server reset or closed before their first echo: what a full server (--max-clients) does. */
    private final AtomicLong closedAtAccept = new AtomicLong();
    private final SynchronizedHistogram latencies;
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final AtomicInteger failuresSeen = new AtomicInteger();
    private volatile boolean expired;
    private final AtomicBoolean deadlineSaid = new AtomicBoolean();

    /**
     * {@code progress} is redrawn every half second once a run passes two seconds; {@code trace} shows every
     * client's bytes (one client only: its lines would interleave). Either may be null: none.
     */
    public LoadTest(LoadSettings settings, Progress progress, WireTrace trace) {
        this.settings = settings;
        this.progress = progress;
        this.trace = trace;
        this.latencies = latencyHistogram(settings.deadline());
        byte[] payload = new byte[settings.payloadSize()];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        // Direct, so a write hands the kernel these bytes without NIO copying them into a temporary buffer first.
        ByteBuffer frame = FrameCodec.encode(payload);
        this.frameTemplate = ByteBuffer.allocateDirect(frame.remaining()).put(frame).flip();
        for (LoadFailure f : LoadFailure.values()) {
            failures.put(f, new AtomicLong());
        }
    }

    /**
     * Round-trip times in ns, 1 ns to the --deadline at 3 significant digits (exact below 2 us, else within 0.1%),
     * from every thread: a fixed size whatever the run's length, 217 KiB at the default 60 s, 305 KiB at the
     * longest --deadline (a day). Synchronized rather than a ConcurrentHistogram: no load thread waits long enough
     * on a recording to matter, and a plain array is half the memory and reads the four percentiles in ~2 ms of a
     * short run instead of ~9 (C1 only, as the launcher runs it).
     */
    static SynchronizedHistogram latencyHistogram(Duration deadline) {
        return new SynchronizedHistogram(1, deadline.toNanos(), 3);
    }

    public LoadReport run() throws InterruptedException {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "load-deadline");
            t.setDaemon(true);
            return t;
        });
        long started = System.nanoTime();
        timer.schedule(this::expire, settings.deadline().toMillis(), TimeUnit.MILLISECONDS);
        if (progress != null) {
            timer.scheduleAtFixedRate(() -> progress.draw(ok.get(), failedSoFar(),
                    (System.nanoTime() - started) / 1e9, settings),
                    Progress.QUIET_START.toMillis(), Progress.EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
        double connectSeconds = 0;
        try (Watchdog watchdog = new Watchdog(settings.timeout(), "load-watchdog")) {
            if (settings.hold()) {
                connectSeconds = runHeld(watchdog);
            } else {
                runSessions(watchdog);
            }
        } finally {
            timer.shutdownNow();
            if (progress != null) {
                progress.clear();
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        if (failuresSeen.get() > FAILURES_LOGGED) {
            LOG.atWarn().setMessage("failures_not_logged").addKeyValue("count", failuresSeen.get() - FAILURES_LOGGED)
                    .log();
        }
        Map<LoadFailure, Long> counted = new EnumMap<>(LoadFailure.class);
        failures.forEach((f, n) -> {
            if (n.get() > 0) {
                counted.put(f, n.get());
            }
        });
        return new LoadReport(settings, ok.get(), counted, elapsed, sessionsDone.get(), connectSeconds,
                latencies, firstError.get(), closedAtAccept.get());
    }

    private long failedSoFar() {
        return failures.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private void runSessions(Watchdog watchdog) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        runThreads(settings.effectiveConcurrency(), () -> {
            while (next.getAndIncrement() < settings.clients()) {
                EchoClient client = connect(watchdog);
                if (client != null) {
                    session(client);
                }
            }
        });
    }

    /** Opens every connection first, then sends on all of them; returns how long the connects took. */
    private double runHeld(Watchdog watchdog) throws InterruptedException {
        long started = System.nanoTime();
        List<EchoClient> clients = new ArrayList<>();
        for (int i = 0; i < settings.clients(); i++) {
            EchoClient c = connect(watchdog);
            if (c != null) {
                clients.add(c);
            }
        }
        double connectSeconds = (System.nanoTime() - started) / 1e9;
        int threads = Math.max(1, Math.min(HOLD_THREADS, clients.size()));
        AtomicInteger stripes = new AtomicInteger();
        runThreads(threads, () -> {
            int stripe = stripes.getAndIncrement();
            List<EchoClient> mine = new ArrayList<>();
            for (int i = stripe; i < clients.size(); i += threads) {
                mine.add(clients.get(i));
            }
            held(mine);
        });
        return connectSeconds;
    }

    private void runThreads(int count, Runnable worker) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(worker, "load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private EchoClient connect(Watchdog watchdog) {
        if (expired) {
            failures.get(LoadFailure.DEADLINE).incrementAndGet();
            noteDeadline("connect");
            return null;
        }
        try {
            EchoClient c = EchoClient.connect(settings.host(), settings.port(), settings.timeout(), watchdog);
            if (trace != null) {
                c.trace(trace);
            }
            open.add(c);
            return c;
        } catch (IOException e) {
            if (expired) {
                failures.get(LoadFailure.DEADLINE).incrementAndGet();
                noteDeadline("connect");
                return null;
            }
            ErrorMap.Row row = ErrorMap.classifyConnect(e);
            failures.get(row.loadFailure()).incrementAndGet();
            noteFirst("connect to " + HostPort.of(settings.host(), settings.port()), row, e);
            return null;
        }
    }

    private void session(EchoClient client) {
        ByteBuffer frame = frameTemplate.duplicate();
        ByteBuffer reply = ByteBuffer.allocateDirect(frame.capacity());
        try {
            for (int m = 0; m < settings.messages(); m++) {
                LoadFailure failed = roundTrip(client, frame, reply);
                if (failed != null) {
                    noteEarly(m, failed);
                    return;
                }
            }
            sessionsDone.incrementAndGet();
        } finally {
            open.remove(client);
            client.close();
        }
    }

    private void held(List<EchoClient> mine) {
        List<EchoClient> live = new ArrayList<>(mine);
        ByteBuffer frame = frameTemplate.duplicate();
        ByteBuffer reply = ByteBuffer.allocateDirect(frame.capacity());
        for (int m = 0; m < settings.messages(); m++) {
            int message = m;
            live.removeIf(c -> {
                LoadFailure failed = roundTrip(c, frame, reply);
                noteEarly(message, failed);
                return failed != null;
            });
        }
        sessionsDone.addAndGet(live.size());
        for (EchoClient c : mine) {
            open.remove(c);
            c.close();
        }
    }

    /** One checked round trip; null when it came back whole, else the failure (counted, the client closed). */
    private LoadFailure roundTrip(EchoClient client, ByteBuffer frame, ByteBuffer reply) {
        if (expired) {
            noteDeadline("round trip");
            return fail(client, LoadFailure.DEADLINE);
        }
        long t0 = System.nanoTime();
        try {
            if (!client.roundTrip(frame, reply)) {
                noteMismatch("round trip");
                return fail(client, LoadFailure.MISMATCH);
            }
        } catch (IOException e) {
            if (expired) { // the deadline closed this connection under the round trip: that, not EOF, is why
                noteDeadline("round trip");
                return fail(client, LoadFailure.DEADLINE);
            }
            ErrorMap.Row row = ErrorMap.classify(e);
            noteFirst("round trip", row, e);
            return fail(client, row.loadFailure());
        }
        // One that ended as the deadline struck may be a hair past it: counted at the top of the range.
        latencies.recordValue(Math.min(System.nanoTime() - t0, latencies.getHighestTrackableValue()));
        ok.incrementAndGet();
        return null;
    }

    /** A reset or close on a session's first frame is how a server past its --max-clients turns one away. */
    private void noteEarly(int message, LoadFailure failed) {
        if (message == 0 && (failed == LoadFailure.RESET || failed == LoadFailure.CLOSED)) {
            closedAtAccept.incrementAndGet();
        }
    }

    private void noteFirst(String what, ErrorMap.Row row, IOException e) {
        note(what + ": " + row.errno() + " (" + e.getMessage() + ")", row, line -> ErrorMap.withFields(line, row, e));
    }

    private void noteMismatch(String what) {
        String said = "the echo differs from what was sent";
        note(what + ": " + said, ErrorMap.ECHO_MISMATCH, line -> line.addKeyValue("error", said));
    }

    /** Remembers the first failure for the report and logs it (the first {@value #FAILURES_LOGGED} of a run). */
    private void note(String said, ErrorMap.Row row, Consumer<LoggingEventBuilder> fields) {
        firstError.compareAndSet(null, said);
        if (failuresSeen.getAndIncrement() < FAILURES_LOGGED) {
            LoggingEventBuilder line = LOG.atError().setMessage(row.event()).addKeyValue("errno", row.errno())
                    .addKeyValue("peer", HostPort.of(settings.host(), settings.port()))
                    .addKeyValue("action", Action.CLOSE_CONNECTION.label()).addKeyValue("reason", row.reason());
            fields.accept(line);
            line.log();
        }
    }

    /** The deadline ended a connect or a round trip: said once, as the first failure if nothing failed before. */
    private void noteDeadline(String what) {
        if (deadlineSaid.compareAndSet(false, true)) {
            firstError.compareAndSet(null, what + ": cut off by the --deadline of " + settings.deadlineText() + " s");
            LOG.atWarn().setMessage("load_deadline").addKeyValue("peer", settings.host() + ":" + settings.port())
                    .addKeyValue("deadline_ms", settings.deadline().toMillis()).addKeyValue("ok", ok.get())
                    .addKeyValue("expected", settings.expected()).log();
        }
    }

    private LoadFailure fail(EchoClient client, LoadFailure kind) {
        failures.get(kind).incrementAndGet();
        open.remove(client);
        client.close();
        return kind;
    }

    private void expire() {
        expired = true;
        open.forEach(EchoClient::close);
    }
}
