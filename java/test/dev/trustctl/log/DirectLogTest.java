package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.testing.StrictJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short CLI call's log, written without logback: one line per event, to a private file, never through a link. */
class DirectLogTest {
    @TempDir
    Path dir;

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
