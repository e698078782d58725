package dev.trustctl.server;

import dev.trustctl.display.ServerTrace;
import dev.trustctl.errors.ErrorMap;
import dev.trustctl.log.FloodVerdict;
import dev.trustctl.proto.ProtocolEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One connection's log events and counters, the same whichever engine moves its bytes: {@code conn_open},
 * {@code conn_mode}, {@code frame_echo}, {@code raw_echo}, the error map's event, then {@code conn_close}.
 * Every line carries {@code run_id} and {@code conn_id}; its {@code request_id} is {@code <run>-<conn>}, and a
 * frame's is {@code <run>-<conn>-<n>}, so one prefix picks a connection and all its frames. Owned by one thread
 * at a time; the totals reach {@link ServerStats} once, at the close. Under {@code --trace} the same events, and
 * each read and write, also go to the {@link ServerTrace} on stderr.
 */
public final class ConnectionEvents implements ProtocolEvents {
    private static final Logger LOG = LoggerFactory.getLogger("echo");

    private final long id;
    private final String peer;
    private final String runId;
    private final String requestId;
    private final ServerStats stats;
    private final FloodVerdict verdict;
    private final ServerTrace trace; // null unless --trace: then each read, write and lifecycle event is shown
    private final long started = System.nanoTime();
    private long frames;
    private long rawChunks;
    private long bytesIn;
    private long bytesOut;
    private boolean closed;

    ConnectionEvents(long id, String peer, String runId, ServerStats stats, FloodVerdict verdict, ServerTrace trace) {
        this.id = id;
        this.peer = peer;
        this.runId = runId;
        this.requestId = runId + "-" + id;
        this.stats = stats;
        this.verdict = verdict;
        this.trace = trace;
    }

    private LoggingEventBuilder tagged(LoggingEventBuilder event, String requestId) {
        return event.addKeyValue("request_id", requestId).addKeyValue("run_id", runId).addKeyValue("conn_id", id);
    }

    @Override
    public void opened() {
        traced("open");
        if (verdict.skips("conn_open", 1)) {
            return; // a storm of connections: the flood limit holds every conn_open back now; counted
        }
        tagged(LOG.atInfo().setMessage("conn_open"), requestId).addKeyValue("peer", peer).log();
    }

    @Override
    public void received(int n) {
        bytesIn += n;
    }

    @Override
    public void becameRaw() {
        traced("mode raw (the first byte begins text)");
        tagged(LOG.atInfo().setMessage("conn_mode"), requestId).addKeyValue("mode", "raw").log();
    }

    /**
     * A request was answered: a message (numbered, counted in {@code frames}) or a raw chunk. Its line gives the
     * request's payload size, and the replies' too when they differ from the echo's.
     */
    @Override
    public void replied(String event, boolean numbered, int request, int reply) {
        if (numbered) {
            frames++;
            stats.frames.increment();
        }
        if (verdict.skips(event, numbered ? frames : ++rawChunks)) {
            return; // the flood limit would hold this line back anyway: not made at all, only counted
        }
        String id = numbered ? requestId + "-" + frames : requestId;
        LoggingEventBuilder line = tagged(LOG.atInfo().setMessage(event), id).addKeyValue("bytes", request);
        (reply == request ? line : line.addKeyValue("reply_bytes", reply)).log();
    }

    @Override
    public void sent(int bytes) {
        bytesOut += bytes;
    }

    /** Logs a failure as its {@link ErrorMap} row says and returns the reason the close will give. */
    @Override
    public String failed(Throwable e) {
        ErrorMap.Row row = ErrorMap.classify(e);
        LoggingEventBuilder event = tagged(LOG.atLevel(row.level()).setMessage(row.event()), requestId)
                .addKeyValue("peer", peer).addKeyValue("errno", row.errno())
                .addKeyValue("action", row.action().label());
        ErrorMap.withFields(event, row, e).log();
        stats.failed(row);
        traced(ErrorMap.inWords(e));
        return row.reason();
    }

    /** The last line of a connection: logged once, whoever calls it first. */
    @Override
    public void closed(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        stats.bytesIn.add(bytesIn);
        stats.bytesOut.add(bytesOut);
        traced("close " + reason);
        if (verdict.skips("conn_close", 1)) {
            return;
        }
        tagged(LOG.atInfo().setMessage("conn_close"), requestId).addKeyValue("peer", peer)
                .addKeyValue("reason", reason).addKeyValue("frames", frames).addKeyValue("bytes_in", bytesIn)
                .addKeyValue("bytes_out", bytesOut)
                .addKeyValue("duration_ms", (System.nanoTime() - started) / 1_000_000).log();
    }

    @Override
    public boolean traces() {
        return trace != null;
    }

    @Override
    public void traced(String call, int bytes, String where) {
        traced(call + " " + bytes + " bytes, " + where);
    }

    private void traced(String text) {
        if (trace != null) {
            trace.conn(id, text);
        }
    }
}
