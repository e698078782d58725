package dev.trustctl.client;

import dev.trustctl.display.HostPort;
import dev.trustctl.display.WireTrace;
import dev.trustctl.errors.Action;
import dev.trustctl.errors.ErrorMap;
import dev.trustctl.errors.LoadFailure;
import dev.trustctl.proto.FrameCodec;
import dev.trustctl.wire.Watchdog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.HdrHistogram.SynchronizedHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The load test: {@code clients} sessions of {@code messages} round trips each, at most {@code concurrency} at a
 * time ({@link LoadSettings}), every echo checked byte for byte. A failure ends its session and is counted by its
 * kind, as the error map classifies it; round-trip times go into a histogram. The run always ends: at the
 * deadline every open connection is closed, and whatever had not finished counts as a {@code deadline} failure.
 */
public final class LoadTest {
    /** Threads that share the held connections in --hold mode; each sends on its connections in turn. */
    private static final int HOLD_THREADS = 64;
    /** Failures logged one by one; past this many only the report counts them, so a dead server floods no log. */
    static final int FAILURES_LOGGED = 20;
    private static final Logger LOG = LoggerFactory.getLogger("echo-load-test");

    private final LoadSettings settings;
    private final Progress progress; // null: none
    private final WireTrace trace;   // null: none
    private final String peer;
    private final ByteBuffer frameTemplate; // the one frame every round trip sends
    private final Set<EchoClient> open = ConcurrentHashMap.newKeySet(); // what the deadline closes
    private final Map<LoadFailure, AtomicLong> failures = new ConcurrentHashMap<>(); // a kind once it failed
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong sessionsDone = new AtomicLong();
    /** Sessions the server reset or closed before their first echo: what a full server (--max-clients) does. */
    private final AtomicLong closedAtAccept = new AtomicLong();
    private final AtomicInteger failuresSeen = new AtomicInteger();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final SynchronizedHistogram latencies;
    private volatile boolean expired;

    /**
     * {@code progress} is redrawn every half second once a run passes two seconds; {@code trace} shows every
     * client's bytes (one client only: its lines would interleave). Either may be null: none.
     */
    public LoadTest(LoadSettings settings, Progress progress, WireTrace trace) {
        this.settings = settings;
        this.progress = progress;
        this.trace = trace;
        this.peer = HostPort.of(settings.host(), settings.port());
        this.latencies = latencyHistogram(settings.deadline());
        byte[] payload = new byte[settings.payloadSize()];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        // Direct, so a write hands the kernel these bytes without NIO copying them into a temporary buffer first.
        ByteBuffer encoded = FrameCodec.encode(payload);
        this.frameTemplate = ByteBuffer.allocateDirect(encoded.remaining()).put(encoded).flip();
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
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long started = System.nanoTime();
        timer.schedule(this::expire, settings.deadline().toMillis(), TimeUnit.MILLISECONDS);
        if (progress != null) {
            timer.scheduleAtFixedRate(() -> progress.draw(ok.get(), failed(), (System.nanoTime() - started) / 1e9,
                    settings), Progress.QUIET_START.toMillis(), Progress.EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
        double connectSeconds = 0;
        try (Watchdog watchdog = new Watchdog(settings.timeout(), "load-watchdog")) {
            connectSeconds = settings.hold() ? runHeld(watchdog) : runSessions(watchdog);
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
        failures.forEach((kind, n) -> counted.put(kind, n.get()));
        return new LoadReport(settings, ok.get(), counted, elapsed, sessionsDone.get(), connectSeconds, latencies,
                firstError.get(), closedAtAccept.get());
    }

    private long failed() {
        return failures.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Each thread takes the next session until all have started: connect, the round trips, close. */
    private double runSessions(Watchdog watchdog) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        runThreads(settings.effectiveConcurrency(), thread -> {
            while (next.getAndIncrement() < settings.clients()) {
                EchoClient client = connect(watchdog);
                if (client != null) {
                    converse(List.of(client));
                }
            }
        });
        return 0;
    }

    /** --hold: opens every connection first, then sends on all of them; returns how long the connects took. */
    private double runHeld(Watchdog watchdog) throws InterruptedException {
        long started = System.nanoTime();
        List<EchoClient> clients = IntStream.range(0, settings.clients()).mapToObj(i -> connect(watchdog))
                .filter(Objects::nonNull).toList();
        double connectSeconds = (System.nanoTime() - started) / 1e9;
        int threads = Math.max(1, Math.min(HOLD_THREADS, clients.size()));
        runThreads(threads, thread -> converse(IntStream.iterate(thread, i -> i < clients.size(), i -> i + threads)
                .mapToObj(clients::get).toList()));
        return connectSeconds;
    }

    /** Runs {@code worker} on {@code count} threads at once, each given its number, until all of them return. */
    private static void runThreads(int count, IntConsumer worker) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(count);
        for (int i = 0; i < count; i++) {
            int number = i;
            threads.execute(() -> worker.accept(number));
        }
        threads.shutdown();
        threads.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
    }

    private EchoClient connect(Watchdog watchdog) {
        if (expired) {
            failed(null, -1, null, null);
            return null;
        }
        try {
            EchoClient client = EchoClient.connect(settings.host(), settings.port(), settings.timeout(), watchdog);
            if (trace != null) {
                client.trace(trace);
            }
            open.add(client);
            return client;
        } catch (IOException e) {
            failed(null, -1, expired ? null : ErrorMap.classifyConnect(e), e);
            return null;
        }
    }

    /**
     * Sends message 1, 2, ... on each of {@code clients} in turn (one client: a plain session), dropping a client
     * at its first failure; then closes them all and counts the sessions that came through whole.
     */
    private void converse(List<EchoClient> clients) {
        List<EchoClient> live = new ArrayList<>(clients);
        ByteBuffer frame = frameTemplate.duplicate();
        ByteBuffer reply = ByteBuffer.allocateDirect(frame.capacity());
        for (int m = 0; m < settings.messages() && !live.isEmpty(); m++) {
            int message = m;
            live.removeIf(client -> !roundTrip(client, frame, reply, message));
        }
        sessionsDone.addAndGet(live.size());
        clients.forEach(this::close);
    }

    private void close(EchoClient client) {
        open.remove(client);
        client.close();
    }

    /** One checked round trip, timed; false when it failed (counted, the client closed). */
    private boolean roundTrip(EchoClient client, ByteBuffer frame, ByteBuffer reply, int message) {
        if (expired) {
            return failed(client, message, null, null);
        }
        long t0 = System.nanoTime();
        try {
            if (!client.roundTrip(frame, reply)) {
                return failed(client, message, ErrorMap.ECHO_MISMATCH, null);
            }
        } catch (IOException e) {
            // Once the deadline has struck, it closed this connection under the round trip: that, not EOF, is why.
            return failed(client, message, expired ? null : ErrorMap.classify(e), e);
        }
        // One that ended as the deadline struck may be a hair past it: counted at the top of the range.
        latencies.recordValue(Math.min(System.nanoTime() - t0, latencies.getHighestTrackableValue()));
        ok.incrementAndGet();
        return true;
    }

    /**
     * Counts a failed connect ({@code message} -1) or round trip by its {@code row}'s kind (null: the deadline's)
     * and closes the client. The first failure is remembered for the report, and the first
     * {@value #FAILURES_LOGGED} are logged; the deadline is said once, in its own event. Returns false.
     */
    private boolean failed(EchoClient client, int message, ErrorMap.Row row, IOException e) {
        LoadFailure kind = row == null ? LoadFailure.DEADLINE : row.loadFailure();
        long ofItsKind = failures.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        if (message == 0 && (kind == LoadFailure.RESET || kind == LoadFailure.CLOSED)) {
            closedAtAccept.incrementAndGet(); // how a server past its --max-clients turns a session away
        }
        if (client != null) {
            close(client);
        }
        String what = message < 0 ? "connect" : "round trip";
        if (row == null) {
            if (ofItsKind == 1) {
                firstError.compareAndSet(null, what + ": cut off by the --deadline of " + settings.deadlineText()
                        + " s");
                LOG.atWarn().setMessage("load_deadline").addKeyValue("peer", peer)
                        .addKeyValue("deadline_ms", settings.deadline().toMillis()).addKeyValue("ok", ok.get())
                        .addKeyValue("expected", settings.expected()).log();
            }
            return false;
        }
        String said = e == null ? "the echo differs from what was sent" : row.errno() + " (" + e.getMessage() + ")";
        firstError.compareAndSet(null, (message < 0 ? "connect to " + peer : what) + ": " + said);
        if (failuresSeen.getAndIncrement() < FAILURES_LOGGED) {
            LoggingEventBuilder line = LOG.atError().setMessage(row.event()).addKeyValue("errno", row.errno())
                    .addKeyValue("peer", peer).addKeyValue("action", Action.CLOSE_CONNECTION.label())
                    .addKeyValue("reason", row.reason());
            (e == null ? line.addKeyValue("error", said) : ErrorMap.withFields(line, row, e)).log();
        }
        return false;
    }

    private void expire() {
        expired = true;
        open.forEach(EchoClient::close);
    }
}
