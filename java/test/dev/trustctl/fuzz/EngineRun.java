package dev.trustctl.fuzz;

import dev.trustctl.fuzz.Model.Outcome;
import dev.trustctl.fuzz.Session.Observed;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One engine's fuzz run: a fresh server process, {@code clients} threads each playing session after session
 * until the time is up, every session judged as it ends; then the process-wide checks (descriptors back to where
 * they were, peak RSS under the bound, every log line whole JSON, {@code conn_open} and {@code conn_close}
 * paired). A failing session is replayed alone and shrunk before the server stops.
 */
final class EngineRun {
    static final String TIMEOUT = "1";
    /** How long a session waits for its conn_close line after it ended. */
    private static final long CLOSE_WAIT_MILLIS = 5_000;
    private static final int SHRINK_TRIES = 40;
    private static final int SHRUNK_AT_MOST = 3;
    private static final Script WARM_UP =
            new Script(1, false, List.of(10), 0, 0, Script.Reader.LOCKSTEP, Script.Ending.HALF_CLOSE, 0);

    private final Path root;
    private final String io;
    private final long seed;
    private final int clients;
    private final long rssMib;
    private final Tally tally = new Tally();
    private final AtomicInteger missingCloses = new AtomicInteger();
    private final List<Integer> failed = new ArrayList<>();
    private FuzzServer server;
    private ServerLog log;

    EngineRun(Path root, String io, long seed, int clients, long rssMib) {
        this.root = root;
        this.io = io;
        this.seed = seed;
        this.clients = clients;
        this.rssMib = rssMib;
    }

    /** The script of session {@code index} on this engine: a function of the seed, the engine and the index. */
    static long sessionSeed(long seed, String io, int index) {
        long z = seed + io.hashCode() * 0x9E3779B97F4A7C15L + (index + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) >>> 1;
    }

    Tally fuzz(long nanos) throws Exception {
        long end = System.nanoTime() + Math.max(nanos - 3_000_000_000L, 2_000_000_000L); // room to start and stop
        return around(() -> {
            AtomicInteger next = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                Thread t = new Thread(() -> {
                    while (System.nanoTime() - end < 0) {
                        play(next.getAndIncrement(), true);
                    }
                }, "fuzz-client-" + c);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
        });
    }

    Tally replay(int index) throws Exception {
        return around(() -> play(index, true));
    }

    private interface Sessions {
        void run() throws Exception;
    }

    private Tally around(Sessions sessions) throws Exception {
        server = FuzzServer.start(root, io, TIMEOUT);
        log = new ServerLog(server.logFile());
        AtomicLong peakRss = new AtomicLong();
        Thread sampler = new Thread(() -> {
            for (long kib; (kib = server.rssKib()) >= 0; ) {
                peakRss.accumulateAndGet(kib, Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "fuzz-rss");
        sampler.setDaemon(true);
        boolean clean = false;
        try {
            List<String> warmUp = judge(-1, WARM_UP, false); // the log file open, the classes loaded: the steady fd count
            long fdsBefore = server.openFds();
            sampler.start();
            sessions.run();
            long fdsAfter = awaitFds(fdsBefore);
            if (fdsAfter > fdsBefore) {
                tally.mismatch(io + ": " + fdsAfter + " descriptors open after the run, " + fdsBefore + " before");
            }
            shrinkFailures();
            sampler.interrupt();
            int exit = server.stop();
            checkLog(exit, peakRss.get(), warmUp);
            System.out.println("fuzz: " + io + ": descriptors " + fdsBefore + " before, " + fdsAfter
                    + " after; peak RSS " + peakRss.get() / 1024 + " MiB (bound " + rssMib + "); " + log.lines()
                    + " log lines, all whole JSON: " + log.broken().isEmpty());
            clean = tally.mismatches().isEmpty();
        } finally {
            server.close();
            log.close();
            if (clean) {
                server.delete();
            } else {
                System.out.println("fuzz: " + io + ": the server's home is kept: " + server.home);
            }
        }
        return tally;
    }

    /** Plays session {@code index} and judges it; counts and reports it when {@code counted}. */
    private void play(int index, boolean counted) {
        Script script = Grammar.draw(sessionSeed(seed, io, index));
        List<String> problems;
        try {
            problems = judge(index, script, counted);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!problems.isEmpty()) {
            synchronized (failed) {
                failed.add(index);
            }
            tally.mismatch(io + " session " + index + ": " + script + ": " + problems);
            System.out.println("fuzz: MISMATCH " + io + " session " + index + " (alone: make fuzz SEED=" + seed
                    + " FUZZ_IO=" + io + " FUZZ_SESSION=" + index + ")\n  script: " + script + "\n  " + String.join("\n  ", problems));
        }
    }

    private List<String> judge(int index, Script script, boolean counted) throws InterruptedException {
        Outcome want = Model.predict(script);
        Observed got = Session.run(script, server.address, log);
        Map<String, Object> close = log.takeClose(got.peer(), CLOSE_WAIT_MILLIS);
        if (close == null && got.failure() == null && counted) {
            missingCloses.incrementAndGet(); // maybe held back by the flood limit: settled against log_suppressed
            return List.of();
        }
        List<Map<String, Object>> events = close == null ? List.of()
                : log.ofConnection(((Number) close.get("conn_id")).longValue());
        List<String> problems = Verdict.check(want, got, close, events);
        if (counted && problems.isEmpty()) {
            tally.sessions.increment();
            tally.messages.add(script.sizes().size());
            tally.bytesVerified.add(want.echo() == null ? 0 : want.echo().length);
            tally.writes.add(got.writes());
            String fault = Model.fault(script);
            if (fault != null) {
                tally.fault(fault);
            }
        } else if (counted) {
            tally.sessions.increment();
        }
        return problems;
    }

    private long awaitFds(long before) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long now = server.openFds();
        while (now > before && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            now = server.openFds();
        }
        return now;
    }

    /** Each of the first failures again, alone on the quiet server, then shrunk while it still fails. */
    private void shrinkFailures() throws InterruptedException {
        List<Integer> first;
        synchronized (failed) {
            first = failed.stream().sorted().limit(SHRUNK_AT_MOST).toList();
        }
        for (int index : first) {
            Script script = Grammar.draw(sessionSeed(seed, io, index));
            List<String> alone = judge(index, script, false);
            if (alone.isEmpty()) {
                System.out.println("fuzz: " + io + " session " + index + " passes when run alone: it failed only"
                        + " beside the other clients");
                continue;
            }
            Script smallest = Shrinker.shrink(script, s -> {
                try {
                    return !judge(index, s, false).isEmpty();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }, SHRINK_TRIES);
            List<String> last = judge(index, smallest, false);
            System.out.println("fuzz: " + io + " session " + index + " shrunk to: " + smallest + "\n  "
                    + (last.isEmpty() ? "(it passed this last time: the failure depends on timing)"
                    : String.join("\n  ", last)));
        }
    }

    /** The process-wide checks, once server_stop is written. */
    private void checkLog(int exit, long peakRssKib, List<String> warmUp) throws InterruptedException {
        if (!warmUp.isEmpty()) {
            tally.mismatch(io + ": the warm-up session failed: " + warmUp);
        }
        if (exit != 0) {
            tally.mismatch(io + ": the server exited with " + exit + " on SIGTERM, not 0");
        }
        Map<String, Object> stop = log.await("server_stop", CLOSE_WAIT_MILLIS);
        if (stop == null) {
            tally.mismatch(io + ": no server_stop in the log");
            return;
        }
        log.close(); // the server has exited: the follower reads the file to its end, then stops
        for (String line : log.broken()) {
            tally.mismatch(io + ": a log line is not whole JSON: " + line);
        }
        long connections = ((Number) stop.get("connections")).longValue();
        long opens = log.named("conn_open").size() + suppressed("conn_open");
        long closesHeld = suppressed("conn_close");
        long closes = log.named("conn_close").size() + closesHeld;
        if (opens != connections || closes != connections) {
            tally.mismatch(io + ": " + connections + " connections but " + opens + " conn_open and " + closes
                    + " conn_close (counting what log_suppressed says was held back)");
        }
        if (missingCloses.get() > closesHeld) {
            tally.mismatch(io + ": " + missingCloses.get() + " sessions found no conn_close, and only " + closesHeld
                    + " were held back by the flood limit");
        }
        tally.unlogged.add(missingCloses.get());
        if (peakRssKib > rssMib * 1024) {
            tally.mismatch(io + ": peak RSS " + peakRssKib / 1024 + " MiB, over the bound of " + rssMib + " MiB");
        }
    }

    private long suppressed(String event) {
        return log.named("log_suppressed").stream().filter(e -> event.equals(e.get("suppressed_event")))
                .mapToLong(e -> ((Number) e.get("suppressed")).longValue()).sum();
    }
}
