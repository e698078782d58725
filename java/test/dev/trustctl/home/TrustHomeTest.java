package dev.trustctl.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TRUST_HOME: where it is, what init makes, and the one-line errors when it cannot be used. */
class TrustHomeTest {
    @TempDir
    Path tmp;

    @Test
    void trustHomeFromTheEnvironmentWins() {
        TrustHome home = TrustHome.fromEnv(Map.of("TRUST_HOME", tmp.resolve("th").toString(), "HOME", "/nowhere"));
        assertThat(home.dir()).isEqualTo(tmp.resolve("th"));
        assertThat(home.configFile()).isEqualTo(tmp.resolve("th/config"));
        assertThat(home.logFile()).isEqualTo(tmp.resolve("th/logs/trustctl.log"));
    }

    @Test
    void unsetOrEmptyTrustHomeMeansDotTrustctlInHome() {
        assertThat(TrustHome.fromEnv(Map.of("HOME", tmp.toString())).dir()).isEqualTo(tmp.resolve(".trustctl"));
        assertThat(TrustHome.fromEnv(Map.of("HOME", tmp.toString(), "TRUST_HOME", "")).dir())
                .isEqualTo(tmp.resolve(".trustctl"));
    }

    @Test
    void aRelativeTrustHomeIsMadeAbsolute() {
        assertThat(TrustHome.fromEnv(Map.of("TRUST_HOME", "rel/../th")).dir())
                .isEqualTo(Path.of("th").toAbsolutePath());
    }

    @Test
    void aRegularFileIsNotADirectory() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> new TrustHome(file).ensureUsable())
                .isInstanceOf(HomeException.class)
                .hasMessage("TRUST_HOME is not a directory: " + file);
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void aPathBelowARegularFileFailsInOneLine() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Path below = file.resolve("home");
        assertThatThrownBy(() -> new TrustHome(below).ensureUsable())
                .isInstanceOf(HomeException.class)
                .hasMessageContaining(below.toString())
                .hasMessageNotContaining("\n");
    }

    @Test
    void ensureUsableCreatesAPrivateDirectory() throws IOException {
        Path dir = tmp.resolve("a/b/home");
        new TrustHome(dir).ensureUsable();
        assertThat(dir).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void initCreatesTheLayoutOnceAndKeepsAnExistingConfig() throws IOException {
        TrustHome home = new TrustHome(tmp.resolve("home"));
        assertThat(home.isInitialised()).isFalse();
        assertThat(home.init()).isTrue();
        assertThat(home.configFile()).isRegularFile();
        assertThat(home.logDir()).isDirectory();
        assertThat(home.isInitialised()).isTrue();

        ConfigFile.write(home.configFile(), Map.of("server.port", "9999"));
        assertThat(home.init()).isFalse();
        assertThat(ConfigFile.read(home.configFile())).isEqualTo(Map.of("server.port", "9999"));
    }
}
