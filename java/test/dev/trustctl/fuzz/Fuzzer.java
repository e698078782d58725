package dev.trustctl.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code make fuzz}: randomized clients, drawn by {@link Grammar} and judged by {@link Model}, run concurrently
 * against a real server process on each engine in turn. Bounded: {@code --seconds} (default 60) in all.
 * Reproducible: every session's script follows from the printed seed, the engine and the session's number, so
 * {@code --seed S} replays a run and {@code --seed S --only N} one session alone. Exit 0 when nothing mismatched.
 * <pre>
 *   Fuzzer [--seed S] [--seconds 60] [--io "loop threads"] [--clients 8] [--only N] [--rss-mib 256]
 * </pre>
 */
public final class Fuzzer {
    private Fuzzer() {
    }

    public static void main(String[] args) throws Exception {
        long seed = ThreadLocalRandom.current().nextLong() >>> 1;
        int seconds = 60;
        List<String> engines = List.of("loop", "threads");
        int clients = 8;
        int only = -1;
        long rssMib = 256;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--io" -> engines = List.of(value.trim().split("\\s+"));
                case "--clients" -> clients = Integer.parseInt(value);
                case "--only" -> only = Integer.parseInt(value);
                case "--rss-mib" -> rssMib = Long.parseLong(value);
                default -> {
                    System.err.println("fuzz: unknown option: " + args[i]);
                    System.exit(2);
                }
            }
        }
        System.out.println("fuzz: seed " + seed + " (replay: make fuzz SEED=" + seed + "), " + seconds + " s, engines "
                + engines + ", " + clients + " clients each, server --timeout " + EngineRun.TIMEOUT + " s, RSS bound "
                + rssMib + " MiB");
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Tally total = new Tally();
        for (int e = 0; e < engines.size(); e++) {
            long share = (deadline - System.nanoTime()) / (engines.size() - e);
            EngineRun run = new EngineRun(Path.of("").toAbsolutePath(), engines.get(e), seed, clients, rssMib);
            Tally tally = only >= 0 ? run.replay(only) : run.fuzz(share);
            System.out.println("fuzz: " + engines.get(e) + ": " + tally.summary());
            tally.addTo(total);
        }
        System.out.println("fuzz: total: " + total.summary());
        List<String> mismatches = new ArrayList<>(total.mismatches());
        if (!mismatches.isEmpty()) {
            System.out.println("fuzz: FAILED with seed " + seed + " (make fuzz SEED=" + seed + " replays it)");
            System.exit(1);
        }
        System.out.println("fuzz: ok");
    }
}
