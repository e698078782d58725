package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import dev.trustctl.log.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code trustctl status [--json]}: where TRUST_HOME is, whether it is initialised, the log file, the version. */
final class StatusCommand extends Command {
    StatusCommand() {
        super("status", Setup.HOME, "show TRUST_HOME, whether it is initialised, the log file and the version",
                "trustctl status", "Shows where trustctl keeps its state.");
    }

    @Override
    Options options() {
        return super.options().addOption(flag("json", null, "print one JSON object"));
    }

    @Override
    int run(CommandLine line, TrustHome home, Terminal term) throws UsageException {
        words(line);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("trust_home", home.dir().toString());
        status.put("initialised", home.isInitialised());
        status.put("config_file", home.configFile().toString());
        status.put("log_file", home.logFile().toString());
        status.put("version", VersionCommand.VERSION);
        if (line.hasOption("json")) {
            term.out().println(Json.object(status));
        } else {
            for (Map.Entry<String, Object> e : status.entrySet()) {
                term.out().printf("%-12s %s%n", e.getKey() + ":", e.getValue());
            }
        }
        return ExitCode.OK;
    }
}
