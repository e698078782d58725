package dev.trustctl.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

/** Writes each event in the caller's thread, one append per line: for short CLI calls, which log a few lines. */
final class DirectAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private final WholeLineFile file;
    private final LogCounters counters;

    DirectAppender(WholeLineFile file, LogCounters counters) {
        this.file = file;
        this.counters = counters;
    }

    @Override
    protected void append(ILoggingEvent event) {
        String line;
        try {
            line = JsonLine.format(event);
        } catch (RuntimeException e) {
            counters.lost.increment();
            return;
        }
        file.append(line, 1);
    }

    @Override
    public void stop() {
        super.stop();
        file.close();
    }
}
