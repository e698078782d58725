package dev.trustctl.log;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The flood limit's answer, made available where lines are made: while {@link FloodGate} holds back the later
 * lines of an event, the thread about to log one (an event loop echoing its 100 000th frame) can skip making it
 * at all, rather than build an event the writer would only count and drop. A connection's first lines are never
 * skipped. What is skipped is counted with what the gate holds back, in {@code log_suppressed} and
 * {@link Log#linesSuppressed()}. Inactive (nothing skipped) unless a limited, queued log is running.
 */
public final class LogThrottle {
    private static volatile Set<String> throttled = Set.of();
    private static volatile long firstPerConnection = Long.MAX_VALUE;
    private static final Map<String, LongAdder> SKIPPED = new ConcurrentHashMap<>();

    private LogThrottle() {
    }

    /**
     * Whether the {@code nth} line of {@code event} from one connection is held back by the flood limit right now;
     * if so it is counted as suppressed and the caller should not log it.
     */
    public static boolean skips(String event, long nth) {
        if (nth <= firstPerConnection || !throttled.contains(event)) {
            return false;
        }
        SKIPPED.computeIfAbsent(event, name -> new LongAdder()).increment();
        return true;
    }

    /** A limited, queued log starts: lines past a connection's first {@code first} of a name may be skipped. */
    static void activate(int first) {
        firstPerConnection = first;
    }

    /** No limit applies any more (the log stopped, or it is not limited): nothing is skipped. */
    static void deactivate() {
        firstPerConnection = Long.MAX_VALUE;
        throttled = Set.of();
    }

    /** The writer's verdict: the names whose later lines it holds back now. */
    static void publish(Set<String> names) {
        if (!names.equals(throttled)) {
            throttled = Set.copyOf(names);
        }
    }

    /** Lines skipped so far, per event name (cumulative). */
    static Map<String, LongAdder> skipped() {
        return SKIPPED;
    }

    static long skippedTotal() {
        long total = 0;
        for (LongAdder n : SKIPPED.values()) {
            total += n.sum();
        }
        return total;
    }
}
