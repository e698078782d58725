package dev.trustctl.log;

/**
 * The flood limit's answer, handed to where lines are made: while the {@link FloodLimit} holds back the later
 * lines of an event, the thread about to log one (an event loop echoing its 100 000th frame) can skip making it
 * at all, rather than build an event the writer would only count and drop. A connection's first lines are
 * skipped only while the limit holds back every line of that name. What is skipped is counted with what the
 * limit holds back, in {@code log_suppressed} and {@link Log#linesSuppressed()}.
 */
public interface FloodVerdict {
    /** Skips nothing: what a log without a flood limit, or without a queue, gives. */
    FloodVerdict NONE = (event, nth) -> false;

    /**
     * Whether the {@code nth} line of {@code event} from one connection is held back by the flood limit right now;
     * if so it is counted as suppressed and the caller should not log it.
     */
    boolean skips(String event, long nth);
}
