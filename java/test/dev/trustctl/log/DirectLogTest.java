package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.trustctl.testing.StrictJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.KeyValuePair;

/** A short CLI call's line, written without logback, is the very line the server's logback encoder writes. */
class DirectLogTest {
    @TempDir
    Path dir;

    @Test
    void aDirectLineIsByteForByteTheEncodersLine() {
        Instant when = Instant.parse("2024-01-02T03:04:05.078901Z");
        LoggingEvent e = new LoggingEvent();
        e.setLevel(Level.INFO);
        e.setMessage("command_done");
        e.setInstant(when);
        e.addKeyValuePair(new KeyValuePair("command", "status"));
        e.addKeyValuePair(new KeyValuePair("exit_code", 0));
        e.addKeyValuePair(new KeyValuePair("duration_ms", 12L));
        assertThat(DirectLog.line(when.toEpochMilli(), "INFO", "command_done", "command", "status", "exit_code", 0,
                "duration_ms", 12L)).isEqualTo(FlatJsonEncoder.line(e));
    }

    @Test
    void timestampsArePaddedIsoUtcWithMilliseconds() {
        for (String ts : List.of("1970-01-01T00:00:00.000Z", "2026-11-28T13:05:09.007Z", "1999-12-31T23:59:59.999Z",
                "2024-02-29T10:00:00.050Z")) {
            StringBuilder out = new StringBuilder();
            DirectLog.appendTimestamp(out, Instant.parse(ts).toEpochMilli());
            assertThat(out).hasToString(ts);
        }
    }

    @Test
    void eachEventAppendsOneLineToAPrivateFile() throws IOException {
        Path logs = dir.resolve("logs");
        DirectLog log = DirectLog.open(logs);
        log.event("INFO", "command_done", "command", "a\nb", "exit_code", 2);
        log.event("INFO", "command_done", "command", "version", "exit_code", 0);
        Path file = logs.resolve(Log.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(StrictJson.object(lines.get(0))).containsEntry("command", "a\nb").containsEntry("event", "command_done")
                .containsEntry("request_id", Log.requestId());
    }

    @Test
    void aSymlinkInPlaceOfTheLogIsNotFollowed() throws IOException {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path target = Files.writeString(dir.resolve("elsewhere"), "");
        DirectLog log = DirectLog.open(logs);
        Files.delete(logs.resolve(Log.FILE_NAME));
        Files.createSymbolicLink(logs.resolve(Log.FILE_NAME), target);
        log.event("INFO", "command_done", "command", "version");
        assertThat(Files.readString(target)).isEmpty();
    }
}
