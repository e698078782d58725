package dev.trustctl.server;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.log.Log;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.LoggerFactory;

/** Counters over a server's life, logged with {@code server_stop}; cheap to bump from many threads. */
final class ServerStats {
    final LongAdder accepted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder frames = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Frames refused by design (over the size limit): what a client asked for, not something going wrong. */
    final LongAdder framesRejected = new LongAdder();
    final LongAdder acceptErrors = new LongAdder();

    /** A connection failed: counted by its row's event (a frame over the limit is a refusal, not a fault). */
    void failed(ErrorMap.Row row) {
        switch (row.event()) {
            case "conn_timeout" -> timeouts.increment();
            case "frame_rejected" -> framesRejected.increment();
            case "conn_rejected" -> rejected.increment();
            default -> errors.increment();
        }
    }

    /** {@code server_stop}: every counter, the stop's own and the log's. */
    void logStop(String runId, int closedIdle, int closedForced, long engineFailures) {
        LoggerFactory.getLogger("echo").atInfo().setMessage("server_stop").addKeyValue("run_id", runId)
                .addKeyValue("connections", accepted.sum()).addKeyValue("rejected", rejected.sum())
                .addKeyValue("frames", frames.sum()).addKeyValue("frames_rejected", framesRejected.sum())
                .addKeyValue("bytes_in", bytesIn.sum()).addKeyValue("bytes_out", bytesOut.sum())
                .addKeyValue("timeouts", timeouts.sum()).addKeyValue("errors", errors.sum())
                .addKeyValue("accept_errors", acceptErrors.sum()).addKeyValue("closed_idle", closedIdle)
                .addKeyValue("closed_forced", closedForced).addKeyValue("engine_failures", engineFailures)
                .addKeyValue("log_lines_lost", Log.linesLost())
                .addKeyValue("log_lines_suppressed", Log.linesSuppressed())
                .addKeyValue("log_lines_dropped", Log.linesDropped())
                .addKeyValue("log_writer_failures", Log.writerFailures()).log();
    }

    /** {@code 1 connection, 8 frames, 2 frames rejected, 0 timeouts, 1 error}. */
    String summary() {
        return count(accepted.sum(), "connection") + ", " + count(frames.sum(), "frame") + ", "
                + count(framesRejected.sum(), "frame") + " rejected, " + count(timeouts.sum(), "timeout") + ", "
                + count(errors.sum(), "error");
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
