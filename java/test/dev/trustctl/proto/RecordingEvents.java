package dev.trustctl.proto;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything a protocol core reported, in order, as short text a test can compare: "open", "in 5", "raw",
 * "reply 3" (a message's payload bytes; "reply 5->14" when the replies differ in size, "raw_reply 3"), "out 7" (whole
 * replies' bytes on the wire), "failed IOException" (the
 * close reason is the exception's simple name), "closed peer_closed"; and the phases it started, the failures
 * themselves, and (when {@link #tracing} was set before the protocol was made) every read and write it traced.
 */
public final class RecordingEvents implements ProtocolEvents, PhaseTimer {
    public final List<String> seen = new CopyOnWriteArrayList<>();
    public final List<Phase> phases = new CopyOnWriteArrayList<>();
    /** Each failure reported, for a test that looks at one (its phase, the error map's row for it). */
    public final List<Throwable> errors = new CopyOnWriteArrayList<>();
    /** "read 14 raw": each traced call, its bytes and where the protocol then stood. */
    public final List<String> trace = new CopyOnWriteArrayList<>();
    /** Whether to trace; a protocol asks once, when it is made. */
    public volatile boolean tracing;

    @Override
    public void opened() {
        seen.add("open");
    }

    @Override
    public void received(int bytes) {
        seen.add("in " + bytes);
    }

    @Override
    public void becameRaw() {
        seen.add("raw");
    }

    @Override
    public void replied(String event, boolean numbered, int requestBytes, int replyBytes) {
        seen.add((numbered ? "reply " : "raw_reply ") + requestBytes + (requestBytes == replyBytes ? "" : "->" + replyBytes));
    }

    @Override
    public void sent(int bytes) {
        seen.add("out " + bytes);
    }

    @Override
    public String failed(Throwable error) {
        errors.add(error);
        seen.add("failed " + error.getClass().getSimpleName());
        return error.getClass().getSimpleName();
    }

    @Override
    public void closed(String reason) {
        seen.add("closed " + reason);
    }

    @Override
    public boolean traces() {
        return tracing;
    }

    @Override
    public void traced(String call, int bytes, String where) {
        trace.add(call + " " + bytes + " " + where);
    }

    @Override
    public void start(Phase phase) {
        phases.add(phase);
    }

    /** What was seen but the byte counts in and out. */
    public List<String> withoutInput() {
        return seen.stream().filter(e -> !e.startsWith("in ") && !e.startsWith("out ")).toList();
    }

    /** The phase started last. */
    public Phase phase() {
        return phases.get(phases.size() - 1);
    }

    /** The close reason logged, or null before the close. */
    public String closeReason() {
        return seen.stream().filter(e -> e.startsWith("closed ")).map(e -> e.substring("closed ".length()))
                .findFirst().orElse(null);
    }

    /** A context for a protocol under test: these events and this timer, connection 1. */
    public Protocol.Context context(BooleanSupplier stopping, long timeoutMillis) {
        return new Protocol.Context(1, "127.0.0.1:40000", this, this, stopping, timeoutMillis);
    }
}
