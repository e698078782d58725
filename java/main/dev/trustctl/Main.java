package dev.trustctl;

import dev.trustctl.cli.Terminal;
import dev.trustctl.cli.TrustCtl;
import dev.trustctl.log.Log;

/** The process entry point for trustctl and its launchers; the only place that calls {@code System.exit}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = new TrustCtl(Terminal.system()).run(args);
        Log.stop();
        System.out.flush();
        System.exit(code);
    }
}
