package dev.trustctl.log;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run by {@link DiskFullTest} in a JVM of its own under {@code ulimit -f}: logs one line per write until the
 * file cannot grow, says how many were lost, waits for a line on stdin (the test moves the full file away, as
 * freeing space would), then logs five more.
 */
public final class DiskFullChild {
    private DiskFullChild() {
    }

    public static void main(String[] args) throws Exception {
        Log.start(Path.of(args[0]), true, new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 0, 0, 0), System.err);
        Logger log = LoggerFactory.getLogger("disk-full");
        for (int i = 0; i < 120; i++) {
            log.atInfo().setMessage("filler").addKeyValue("n", i).addKeyValue("pad", "x".repeat(90)).log();
            Log.flush(5000);
        }
        System.out.println("lost " + Log.linesLost());
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        for (int i = 0; i < 5; i++) {
            log.atInfo().setMessage("after").addKeyValue("n", i).log();
        }
        Log.flush(5000);
        System.out.println("lost " + Log.linesLost());
        Log.stop();
    }
}
