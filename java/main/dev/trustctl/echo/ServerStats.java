package dev.trustctl.echo;

import dev.trustctl.errors.ErrorMap;
import java.util.concurrent.atomic.LongAdder;

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
}
