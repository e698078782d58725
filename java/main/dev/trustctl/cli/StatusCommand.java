package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import dev.trustctl.log.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code trustctl status [--json]}: where TRUST_HOME is, whether it is initialised, the log file, the version. */
final class StatusCommand implements Command {
    @Override
    public String name() {
        return "status";
    }

    @Override
    public String summary() {
        return "show TRUST_HOME, whether it is initialised, the log file and the version";
    }

    @Override
    public int run(List<String> args, TrustHome home, Terminal term) throws UsageException {
        Options options = ParsedLine.optionsWithHelp()
                .addOption(Option.builder().longOpt("json").desc("print one JSON object").get());
        ParsedLine line = ParsedLine.parse(options, args);
        if (line.has("help")) {
            ParsedLine.printHelp(term.out(), "trustctl status [--json]", "Shows where trustctl keeps its state.",
                    options);
            return ExitCode.OK;
        }
        Arguments.none(line);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("trust_home", home.dir().toString());
        status.put("initialised", home.isInitialised());
        status.put("config_file", home.configFile().toString());
        status.put("log_file", home.logFile().toString());
        status.put("version", VersionCommand.VERSION);
        if (line.has("json")) {
            term.out().println(Json.object(status));
        } else {
            status.forEach((k, v) -> term.out().printf("%-12s %s%n", k + ":", v));
        }
        return ExitCode.OK;
    }
}
