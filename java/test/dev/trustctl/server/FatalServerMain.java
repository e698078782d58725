package dev.trustctl.server;

import dev.trustctl.cli.Terminal;
import dev.trustctl.cli.TrustCtl;
import dev.trustctl.log.Log;

/**
 * {@code trustctl} as {@code Main} runs it, but its echo-server's handler throws {@link InternalError} on a message
 * starting with '!': the process {@link FatalErrorTest} watches die loudly.
 */
public final class FatalServerMain {
    private FatalServerMain() {
    }

    public static void main(String[] args) {
        int code = new TrustCtl(Terminal.system(), FatalErrorTest.fatalOnBang()).run(args);
        Log.stop();
        System.exit(code);
    }
}
