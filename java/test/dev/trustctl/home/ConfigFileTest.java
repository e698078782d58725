package dev.trustctl.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file: KEY=VALUE lines and comments, read strictly, replaced atomically. */
class ConfigFileTest {
    @TempDir
    Path dir;

    private Path config() {
        return dir.resolve("config");
    }

    @Test
    void whatIsWrittenReadsBackTheSame() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("server.port", "9901");
        entries.put("server.bind", "127.0.0.1");
        entries.put("server.timeout", "0.5");
        entries.put("with.equals", "a=b=c");
        entries.put("unicode", "naïve ✓");
        ConfigFile.write(config(), entries);
        assertThat(ConfigFile.read(config())).isEqualTo(entries);
    }

    @Test
    void theFileStartsWithACommentAndListsKeysSorted() throws IOException {
        ConfigFile.write(config(), Map.of("b", "2", "a", "1"));
        assertThat(Files.readString(config())).isEqualTo(ConfigFile.HEADER + "a=1\nb=2\n");
    }

    @Test
    void aMissingFileIsAnEmptyConfig() throws HomeException {
        assertThat(ConfigFile.read(config())).isEmpty();
    }

    @Test
    void commentsBlankLinesAndSpacesAroundKeysAndValuesAreIgnored() throws IOException {
        Files.writeString(config(), "# a comment\n\n   # indented comment\n  server.port =  9902  \r\nx=\n");
        assertThat(ConfigFile.read(config())).containsExactlyInAnyOrderEntriesOf(Map.of("server.port", "9902", "x", ""));
    }

    @Test
    void aMalformedLineIsAnErrorNamingTheFileAndTheLine() throws IOException {
        Files.writeString(config(), "# comment\nserver.port=9900\nthis is not a pair\n");
        assertThatThrownBy(() -> ConfigFile.read(config()))
                .isInstanceOf(HomeException.class)
                .hasMessage("config " + config() + " line 3: expected KEY=VALUE");
    }

    @Test
    void aLineWithoutAKeyIsMalformedToo() throws IOException {
        Files.writeString(config(), "=value\n");
        assertThatThrownBy(() -> ConfigFile.read(config()))
                .isInstanceOf(HomeException.class)
                .hasMessage("config " + config() + " line 1: expected KEY=VALUE");
    }

    @Test
    void textThatIsNotUtf8IsReportedInOneLine() throws IOException {
        Files.write(config(), new byte[] {'k', '=', (byte) 0xff, (byte) 0xfe, '\n'});
        assertThatThrownBy(() -> ConfigFile.read(config()))
                .isInstanceOf(HomeException.class)
                .hasMessage("config " + config() + " is not valid UTF-8 text");
    }

    @Test
    void aByteOrderMarkIsSkippedAndOnlyAtTheStart() throws IOException {
        Files.writeString(config(), "\uFEFFa=1\nb=\uFEFF\n");
        assertThat(ConfigFile.read(config())).isEqualTo(Map.of("a", "1", "b", "\uFEFF"));
    }

    @Test
    void aKeyGivenTwiceIsAnErrorNamingBothLines() throws IOException {
        Files.writeString(config(), "a=1\n b = 2\n\n a=3\n");
        assertThatThrownBy(() -> ConfigFile.read(config()))
                .isInstanceOf(HomeException.class)
                .hasMessage("config " + config() + " line 4: duplicate key 'a' (first set on line 1)");
    }

    @Test
    void aFileOfExactlyTheLimitIsReadOneByteMoreIsNot() throws IOException {
        String line = "# " + "x".repeat(1021) + "\n"; // 1024 bytes
        Files.writeString(config(), line.repeat(ConfigFile.MAX_BYTES / 1024));
        assertThat(ConfigFile.read(config())).isEmpty();
        Files.writeString(config(), line.repeat(ConfigFile.MAX_BYTES / 1024) + "\n");
        assertThatThrownBy(() -> ConfigFile.read(config())).isInstanceOf(HomeException.class)
                .hasMessage("config " + config() + " is larger than 65536 bytes");
    }

    @Test
    void aDirectoryIsNotAConfig() throws IOException {
        Files.createDirectory(config());
        assertThatThrownBy(() -> ConfigFile.read(config())).isInstanceOf(HomeException.class)
                .hasMessage("config " + config() + " is not a regular file");
    }

    @Test
    void aWriteReplacesTheOldFileAndLeavesNoTempFileBehind() throws IOException {
        ConfigFile.write(config(), Map.of("a", "1"));
        ConfigFile.write(config(), Map.of("a", "2", "b", "3"));
        assertThat(ConfigFile.read(config())).isEqualTo(Map.of("a", "2", "b", "3"));
        assertThat(namesIn(dir)).containsExactly("config");
    }

    @Test
    void theFileIsPrivateToTheUser() throws IOException {
        ConfigFile.write(config(), Map.of("a", "1"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config()))).isEqualTo("rw-------");
    }

    /**
     * As root, permission bits do not stop a write, so the failure is made another way: a directory sits where
     * the temp file must be created. The write must fail with one line, and the old file must be untouched.
     */
    @Test
    void aFailedWriteLeavesTheOldFileIntact() throws IOException {
        ConfigFile.write(config(), Map.of("server.port", "9900"));
        String before = Files.readString(config());
        Path tmp = dir.resolve("config.tmp-" + ProcessHandle.current().pid());
        Files.createDirectory(tmp);
        Files.writeString(tmp.resolve("keep"), "x");

        assertThatThrownBy(() -> ConfigFile.write(config(), Map.of("server.port", "1234")))
                .isInstanceOf(HomeException.class)
                .hasMessageStartingWith("cannot write config " + config() + ": ")
                .hasMessageNotContaining("\n");

        assertThat(Files.readString(config())).isEqualTo(before);
        assertThat(ConfigFile.read(config())).isEqualTo(Map.of("server.port", "9900"));
        assertThat(namesIn(dir)).containsExactlyInAnyOrder("config", tmp.getFileName().toString());
    }

    @Test
    void aWriteIntoAMissingDirectoryFailsWithoutCreatingAnything() {
        Path missing = dir.resolve("nope").resolve("config");
        assertThatThrownBy(() -> ConfigFile.write(missing, Map.of("a", "1")))
                .isInstanceOf(HomeException.class)
                .hasMessageStartingWith("cannot write config " + missing + ": ");
        assertThat(Files.exists(dir.resolve("nope"))).isFalse();
    }

    @Test
    void theWrittenBytesAreUtf8() throws IOException {
        ConfigFile.write(config(), Map.of("k", "é"));
        assertThat(Files.readAllBytes(config())).endsWith("k=é\n".getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> namesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
