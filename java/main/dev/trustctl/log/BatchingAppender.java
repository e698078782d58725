package dev.trustctl.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands events to a writer thread that appends them to the file in batches, one flush per batch. Unlike
 * logback's AsyncAppender, a busy logging thread never wakes the writer (no futex call per event) and the
 * file sees one write per batch, not one per event: the writer looks every {@value #INTERVAL_MILLIS} ms.
 * After a quiet spell it dozes, so an idle server does not wake 500 times a second; the first event then
 * wakes it. The queue is bounded and blocks when full, so nothing is dropped; {@link #stop()} writes the rest.
 */
final class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    static final int INTERVAL_MILLIS = 2;
    /** Empty looks (of 2 ms each) before the writer dozes: a tenth of a second without an event. */
    private static final int LOOKS_BEFORE_DOZING = 50;
    private static final long DOZE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int BATCH = 1024;

    private final OutputStreamAppender<ILoggingEvent> file;
    private final BlockingQueue<ILoggingEvent> queue;
    private final Thread writer;
    private volatile boolean running;
    private volatile boolean dozing;

    BatchingAppender(OutputStreamAppender<ILoggingEvent> file, int capacity) {
        this.file = file;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::drainLoop, "log-writer");
        writer.setDaemon(true);
    }

    @Override
    public void start() {
        file.setImmediateFlush(false);
        running = true;
        writer.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // No prepareForDeferredProcessing(): it copies the MDC and resolves the thread name, and the encoder
        // uses neither. Time, level, message and key-values are fixed when the event is made.
        if (!queue.offer(event)) {
            wakeWriterAndPut(event);
        } else if (dozing) {
            dozing = false;
            LockSupport.unpark(writer);
        }
    }

    private void wakeWriterAndPut(ILoggingEvent event) {
        LockSupport.unpark(writer);
        try {
            while (!queue.offer(event, 10, TimeUnit.MILLISECONDS)) {
                LockSupport.unpark(writer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            file.doAppend(event); // the caller is being interrupted: write it here rather than lose it
        }
    }

    private void drainLoop() {
        List<ILoggingEvent> batch = new ArrayList<>(BATCH);
        int emptyLooks = 0;
        while (running) {
            if (writeBatch(batch) > 0) {
                emptyLooks = 0;
            } else if (++emptyLooks < LOOKS_BEFORE_DOZING) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS));
            } else {
                // Say so before looking at the queue once more: an event offered after that look sees the flag.
                dozing = true;
                if (queue.isEmpty() && running) {
                    LockSupport.parkNanos(DOZE_NANOS);
                }
                dozing = false;
            }
        }
        while (writeBatch(batch) > 0) {
            // stop(): write whatever is still queued
        }
    }

    private int writeBatch(List<ILoggingEvent> batch) {
        batch.clear();
        int n = queue.drainTo(batch, BATCH);
        if (n > 0) {
            for (ILoggingEvent e : batch) {
                file.doAppend(e);
            }
            try {
                file.getOutputStream().flush();
            } catch (IOException e) {
                addError("cannot flush the log file", e);
            }
        }
        return n;
    }

    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        file.stop();
        super.stop();
    }
}
