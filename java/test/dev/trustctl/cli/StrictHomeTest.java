package dev.trustctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.errors.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssh's StrictModes for TRUST_HOME: one that others can write in, or that is not the user's, is refused in one
 * line saying what to fix; {@code init} tightens what it owns (home and logs/ 0700, files 0600); the log is
 * never written through a symbolic link.
 */
class StrictHomeTest {
    @TempDir
    Path tmp;


    private static CliResult run(Path home, String... args) {
        return CliResult.run(home, args);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private Path openHome() throws IOException {
        Path home = Files.createDirectory(tmp.resolve("home"));
        Files.createDirectory(home.resolve("logs"));
        Files.writeString(home.resolve("config"), "server.port=9901\n");
        Files.writeString(home.resolve("logs/trustctl.log"), "");
        Files.writeString(home.resolve("logs/trustctl.log.1"), "");
        for (Path p : new Path[] {home, home.resolve("logs")}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        for (Path p : new Path[] {home.resolve("config"), home.resolve("logs/trustctl.log"),
                home.resolve("logs/trustctl.log.1")}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-"));
        }
        return home;
    }

    @Test
    void aHomeOthersCanWriteInIsRefusedInOneLineSayingWhatToFix() throws IOException {
        Path home = openHome();
        CliResult r = run(home, "status");
        assertThat(r.err()).isEqualTo("Error: TRUST_HOME " + home + " is writable by group or others (rwxrwxrwx):"
                + " run chmod go-w " + home + "\n");
        assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
        assertThat(Files.size(home.resolve("logs/trustctl.log"))).as("nothing logged there").isZero();
    }

    @Test
    void initTightensTheModesOfWhatItOwns() throws IOException {
        Path home = openHome();
        CliResult r = run(home, "init");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).isEqualTo("already initialised " + home + " (config kept)\n");
        assertThat(mode(home)).isEqualTo("rwx------");
        assertThat(mode(home.resolve("logs"))).isEqualTo("rwx------");
        for (String f : new String[] {"config", "logs/trustctl.log", "logs/trustctl.log.1"}) {
            assertThat(mode(home.resolve(f))).as(f).isEqualTo("rw-------");
        }
        assertThat(Files.readString(home.resolve("config"))).isEqualTo("server.port=9901\n");
        assertThat(run(home, "status").code()).isEqualTo(ExitCode.OK);
    }

    @Test
    void aHomeOfAnotherUserIsRefused() throws IOException {
        Path home = Files.createDirectory(tmp.resolve("theirs"));
        try {
            Files.setAttribute(home, "unix:uid", 4321);
        } catch (IOException notRoot) {
            Assumptions.abort("needs root to give a directory away: " + notRoot);
        }
        for (String command : new String[] {"status", "init"}) {
            CliResult r = run(home, command);
            assertThat(r.err()).as(command).startsWith("Error: TRUST_HOME " + home + " belongs to uid 4321, not to you")
                    .endsWith(": use a directory of your own, or chown it\n");
            assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
        }
    }

    @Test
    void aSymlinkedLogIsRefusedAndItsTargetUntouched() throws IOException {
        Path home = tmp.resolve("home");
        assertThat(run(home, "init").code()).isEqualTo(ExitCode.OK);
        Path victim = Files.writeString(tmp.resolve("victim"), "precious\n");
        Files.delete(home.resolve("logs/trustctl.log"));
        Files.createSymbolicLink(home.resolve("logs/trustctl.log"), victim);
        CliResult r = run(home, "status");
        assertThat(r.err()).isEqualTo("Error: cannot write the log in " + home.resolve("logs") + ": is a symbolic"
                + " link: trustctl never writes through one; remove it\n");
        assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
        assertThat(Files.readString(victim)).isEqualTo("precious\n");
    }
}
