package dev.trustctl.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress line: its text, its redraw in place, and its silence on anything but a terminal. */
class ProgressTest {
    private static final LoadSettings SETTINGS = new LoadSettings("127.0.0.1", 9900, 200, 1000, 1, 32, false,
            Duration.ofSeconds(60), Duration.ofSeconds(5));

    @TempDir
    Path tmp;
    private final List<Path> links = new ArrayList<>();

    /** A stand-in for /proc/self/fd/2 pointing at {@code target}. */
    private Path fd(String target) throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("fd" + links.size()), Path.of(target));
        links.add(link);
        return link;
    }

    /** Removed here: JUnit warns about every link to outside its temporary folder that it has to delete. */
    @AfterEach
    void removeLinks() throws IOException {
        for (Path link : links) {
            Files.delete(link);
        }
    }

    @Test
    void theLineSaysRoundTripsRateFailuresAndTimeLeft() {
        assertThat(Progress.line(120_100, 3, 2.5, SETTINGS))
                .isEqualTo("120100/200000 round trips, 48040/s, 3 failed, 58 s left of --deadline 60 s");
        LoadSettings shortDeadline = new LoadSettings("127.0.0.1", 9900, 1, 10, 1, 32, false, Duration.ofMillis(2500),
                Duration.ofSeconds(5));
        assertThat(Progress.line(0, 0, 9, shortDeadline)).isEqualTo("0/10 round trips, 0/s, 0 failed,"
                + " 0 s left of --deadline 2.5 s");
    }

    @Test
    void itRedrawsInPlaceAndErasesItselfAtTheEnd() throws IOException {
        Path pts = fd("/dev/pts/7");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Progress progress = Progress.onTerminal(new PrintStream(err, true, StandardCharsets.UTF_8), pts);
        assertThat(progress).isNotNull();
        progress.draw(10, 0, 1, SETTINGS);
        progress.draw(20, 1, 2, SETTINGS);
        progress.clear();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                "\r10/200000 round trips, 10/s, 0 failed, 59 s left of --deadline 60 s\033[K"
                + "\r20/200000 round trips, 10/s, 1 failed, 58 s left of --deadline 60 s\033[K"
                + "\r\033[K").doesNotContain("\n");
    }

    @Test
    void aPipeAFileOrDevNullGetsNoProgressAtAll() throws IOException {
        PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Path file = Files.createFile(tmp.resolve("captured.txt"));
        for (String target : new String[] {"pipe:[123456]", file.toString(), "/dev/null", "socket:[42]"}) {
            assertThat(Progress.onTerminal(err, fd(target))).as(target).isNull();
        }
        assertThat(Progress.onTerminal(err, tmp.resolve("no-such-fd"))).isNull();
    }

    @Test
    void aTerminalDeviceIsRecognised() throws IOException {
        PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        for (String target : new String[] {"/dev/pts/0", "/dev/tty1", "/dev/tty", "/dev/console"}) {
            assertThat(Progress.onTerminal(err, fd(target))).as(target).isNotNull();
        }
    }
}
