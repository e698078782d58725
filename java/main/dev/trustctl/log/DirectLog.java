package dev.trustctl.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * The log of a short CLI call: its one or two lines, made by {@link Json#line} as the server's are, appended
 * straight to {@code trustctl.log} with one {@code write} each (O_APPEND, so lines of concurrent calls never
 * interleave); it never rolls. Setting up logback costs a CLI call about two thirds of its start-up; only the
 * server needs it.
 */
public final class DirectLog {
    private final Path file;

    private DirectLog(Path file) {
        this.file = file;
    }

    /** Prepares {@code logDir/trustctl.log} as the server's log does; fails when it cannot be written. */
    public static DirectLog open(Path logDir) throws IOException {
        Path file = LogFile.in(logDir);
        LogFile.open(file).close(); // created 0600 if missing; a link or a non-file is refused here
        return new DirectLog(file);
    }

    /** Appends one event: {@code keyValues} alternate a field name and its value. Failing to write is ignored. */
    public void event(String level, String event, Object... keyValues) {
        try (FileChannel out = LogFile.reopen(file)) {
            LogFile.write(out, line(System.currentTimeMillis(), level, event, keyValues));
        } catch (IOException e) {
            // the log is a record of the call, never a reason for it to fail
        }
    }

    static String line(long epochMillis, String level, String event, Object... keyValues) {
        List<KeyValuePair> fields = new ArrayList<>(keyValues.length / 2);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            fields.add(new KeyValuePair(String.valueOf(keyValues[i]), keyValues[i + 1]));
        }
        return Json.line(epochMillis, level, event, fields);
    }
}
