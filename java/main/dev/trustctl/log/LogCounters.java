package dev.trustctl.log;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one installed log could not write or held back, for {@code server_stop}: handed to the file, the appenders
 * and the flood limit that count. LongAdders: every event loop may count a skipped or dropped line at once.
 */
final class LogCounters {
    /** Lines that could not be written (disk full, file gone unwritable), or whose fields could not be. */
    final LongAdder lost = new LongAdder();
    /** Lines the flood limit held back or had skipped where they are made: each said in a log_suppressed line. */
    final LongAdder suppressed = new LongAdder();
    /** Lines a {@link NeverWaitingThread} gave up because the queue was full. */
    final LongAdder dropped = new LongAdder();
    /** Passes of the writer thread that failed and were survived. */
    final LongAdder writerFailures = new LongAdder();
}
