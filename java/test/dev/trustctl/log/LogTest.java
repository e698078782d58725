package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The log file: private to the user, and rolled by size so a long run cannot fill the disk. */
class LogTest {
    private static final Logger LOG = LoggerFactory.getLogger("log-test");

    @TempDir
    Path home;

    @AfterEach
    void stopLog() {
        Log.stop(); // else this log outlives its folder, and the next test's lines say it cannot be written
    }

    @Test
    void theLogDirectoryAndFileArePrivateToTheUser() throws IOException {
        Path logs = home.resolve("logs");
        Log.start(logs, false);
        LOG.atInfo().setMessage("probe").log();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(logs))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(logs.resolve(Log.FILE_NAME))))
                .isEqualTo("rw-------");
    }

    @Test
    void pastTenMegabytesTheLogRollsAndKeepsThreeOldFiles() throws IOException {
        Path logs = home.resolve("logs");
        Log.start(logs, false);
        String filler = "x".repeat(1000);
        // ~45 MB in all: enough for four rolls at 10 MB, so the oldest must have been dropped. The size is looked
        // at after every write, so a roll overshoots by at most one write (here one line).
        for (int i = 0; i < 45_000; i++) {
            LOG.atInfo().setMessage("filler").addKeyValue("n", i).addKeyValue("pad", filler).log();
        }
        assertThat(logs.resolve(Log.FILE_NAME + ".1")).exists();
        assertThat(logs.resolve(Log.FILE_NAME + ".3")).exists();
        assertThat(logs.resolve(Log.FILE_NAME + ".4")).doesNotExist();
        long limit = 10L * 1024 * 1024;
        for (String name : new String[] {Log.FILE_NAME, Log.FILE_NAME + ".1", Log.FILE_NAME + ".2"}) {
            assertThat(Files.size(logs.resolve(name))).as(name).isLessThanOrEqualTo(limit + 2000);
        }
        assertThat(Files.readAllLines(logs.resolve(Log.FILE_NAME)).get(0)).startsWith("{\"ts\":\"").endsWith("}");
    }

    /** A server's lines go through a queue: stopping the log writes all of them before it returns. */
    @Test
    void stoppingAQueuedLogWritesEverythingQueued() throws IOException {
        Path logs = home.resolve("logs");
        Log.start(logs, true, new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 0, 0, 0), System.err);
        for (int i = 0; i < 5000; i++) {
            LOG.atInfo().setMessage("frame_echo").addKeyValue("n", i).log();
        }
        Log.stop();
        assertThat(Files.readAllLines(logs.resolve(Log.FILE_NAME))).hasSize(5000);
    }
}
