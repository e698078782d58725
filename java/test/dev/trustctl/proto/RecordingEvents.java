package dev.trustctl.proto;

import dev.trustctl.wire.Phase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything a protocol core reported, in order, as short text a test can compare: "open", "in 5", "raw",
 * "reply 7" (or "reply 5->14" when the reply differs in size, "raw_reply 3"), "failed IOException" (the
 * close reason is the exception's simple name), "closed peer_closed"; and the phases it started.
 */
public final class RecordingEvents implements ProtocolEvents, PhaseTimer {
    public final List<String> seen = new CopyOnWriteArrayList<>();
    public final List<Phase> phases = new CopyOnWriteArrayList<>();

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
    public void replied(int requestBytes, int replyBytes, boolean raw) {
        seen.add((raw ? "raw_reply " : "reply ") + requestBytes + (requestBytes == replyBytes ? "" : "->" + replyBytes));
    }

    @Override
    public String failed(Throwable error) {
        seen.add("failed " + error.getClass().getSimpleName());
        return error.getClass().getSimpleName();
    }

    @Override
    public void closed(String reason) {
        seen.add("closed " + reason);
    }

    @Override
    public void start(Phase phase) {
        phases.add(phase);
    }

    /** What was seen but the byte counts. */
    public List<String> withoutInput() {
        return seen.stream().filter(e -> !e.startsWith("in ")).toList();
    }
}
