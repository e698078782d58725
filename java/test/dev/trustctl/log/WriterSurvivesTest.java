package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one log writer thread outlives an error in a pass: counted, said, and the next lines are written. */
class WriterSurvivesTest {
    private static final Logger LOG = LoggerFactory.getLogger("writer-test");

    @TempDir
    Path home;

    @AfterEach
    void stopLog() {
        Log.stop();
    }

    /** A field whose text cannot be had: what a bug anywhere in a pass looks like to the writer. */
    private static Object failing(Throwable t) {
        return new Object() {
            @Override
            public String toString() {
                if (t instanceof RuntimeException r) {
                    throw r;
                }
                throw (Error) t;
            }
        };
    }

    @Test
    @Timeout(30)
    void anErrorInAPassIsCountedAndTheWriterGoesOn() throws IOException {
        Path logs = home.resolve("logs");
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Log.start(logs, true, new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 0, 0, 0),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        long failures = Log.writerFailures();
        LOG.atInfo().setMessage("poison").addKeyValue("bad", failing(new AssertionError("boom"))).log();
        assertThat(Log.flush(5000)).isTrue();
        LOG.atInfo().setMessage("poison").addKeyValue("bad", failing(new AssertionError("boom again"))).log();
        assertThat(Log.flush(5000)).isTrue();
        assertThat(Log.writerFailures()).isEqualTo(failures + 2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).as("said once").isEqualTo("trustctl: the log writer failed"
                + " a pass (java.lang.AssertionError: boom); its lines are lost, it goes on\n");
        // More than the queue holds: were the writer gone, these callers would wait for it forever.
        for (int i = 0; i < 20_000; i++) {
            LOG.atInfo().setMessage("after").addKeyValue("n", i).log();
        }
        assertThat(Log.flush(10_000)).isTrue();
        assertThat(LogFileTest.events(logs.resolve(Log.FILE_NAME))).hasSize(20_000).containsOnly("after");
    }

    @Test
    void aFieldThatCannotBeWrittenCostsOnlyItsOwnLine() throws IOException {
        Path logs = home.resolve("logs");
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Log.start(logs, true, new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 0, 0, 0),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        long lost = Log.linesLost();
        long failures = Log.writerFailures();
        LOG.atInfo().setMessage("one").log();
        LOG.atInfo().setMessage("bad").addKeyValue("x", failing(new IllegalStateException("no"))).log();
        LOG.atInfo().setMessage("two").log();
        assertThat(Log.flush(5000)).isTrue();
        assertThat(LogFileTest.events(logs.resolve(Log.FILE_NAME))).containsExactly("one", "two");
        assertThat(Log.linesLost()).isEqualTo(lost + 1);
        assertThat(Log.writerFailures()).isEqualTo(failures);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).as("a bug in one field, not the disk: counted only")
                .isEmpty();
    }
}
